package virtfusiontest

// The catalog every new fake starts with.
const (
	// PackageSmall and PackageLarge are two enabled packages.
	PackageSmall int64 = 1
	PackageLarge int64 = 2
	// HypervisorGroup is the one hypervisor group.
	HypervisorGroup int64 = 1
	// TemplateDebian and TemplateUbuntu are OS templates every package
	// offers.
	TemplateDebian int64 = 11
	TemplateUbuntu int64 = 12
)

// Package is a VirtFusion server package: the resources a server gets
// unless its create request overrides them.
type Package struct {
	ID                    int64
	Name                  string
	Enabled               bool
	Memory                int64 // MB
	Storage               int64 // GB
	Traffic               int64 // GB, 0 unlimited
	CPUCores              int64
	NetworkIn, NetworkOut int64 // kB/s
}

func (s *Server) seedCatalog() {
	s.packages[PackageSmall] = &Package{ID: PackageSmall, Name: "VPS Small", Enabled: true,
		Memory: 1024, Storage: 25, Traffic: 1000, CPUCores: 1, NetworkIn: 125000, NetworkOut: 125000}
	s.packages[PackageLarge] = &Package{ID: PackageLarge, Name: "VPS Large", Enabled: true,
		Memory: 4096, Storage: 80, Traffic: 4000, CPUCores: 4, NetworkIn: 125000, NetworkOut: 125000}
	s.groups[HypervisorGroup] = "Default"
	s.templates[TemplateDebian] = "Debian 12"
	s.templates[TemplateUbuntu] = "Ubuntu 24.04"
	s.seq = 100 // ids start above the catalog's
}

// AddPackage adds or replaces a package.
func (s *Server) AddPackage(p Package) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.packages[p.ID] = &p
}
