# Spack recipe for splinegrid. Use it with
#   spack repo add <splinegrid checkout>/cmake/spack
#   spack install splinegrid +mpi +hdf5 ^kokkos+openmp
# The backend (Serial, OpenMP, CUDA, HIP) is the one the Kokkos dependency was built
# with; with CUDA or HIP the Kokkos compiler wrapper is used as the C++ compiler.

from spack.package import *


class Splinegrid(CMakePackage):
    """Learnable continuous fields over 1-4D space on Kokkos: cubic B-spline and
    Catmull-Rom grids with C channels, their derivatives and adjoints, interpolating
    splines, least-squares and gradient-based fitting (MPI data-parallel), HDF5 grid
    files and the `splinegrid` command-line fit tool."""

    homepage = "https://github.com/splinegrid/splinegrid"
    git = "https://github.com/splinegrid/splinegrid.git"

    maintainers("splinegrid")

    license("Apache-2.0")

    version("main", branch="main")
    version("0.1.0", tag="v0.1.0")

    variant("mpi", default=True, description="MPI data-parallel fitting (SplineGrid::mpi)")
    variant(
        "hdf5",
        default=True,
        description="HDF5 grid files (SplineGrid::hdf5) and the splinegrid command-line tool",
    )
    variant("tests", default=False, description="Build the GoogleTest unit tests")
    variant("benchmarks", default=False, description="Build the Google Benchmark perf tests")

    depends_on("cxx", type="build")
    depends_on("c", type="build", when="+hdf5")
    depends_on("cmake@3.16:", type="build")

    depends_on("kokkos@3.4:")
    depends_on("kokkos-kernels")
    depends_on("mpi", when="+mpi")
    depends_on("hdf5", when="+hdf5")
    depends_on("libpng", when="+hdf5")
    depends_on("googletest@1.10:", when="+tests")
    depends_on("benchmark@1.5:", when="+benchmarks")


    def cmake_args(self):
        spec = self.spec
        args = [
            self.define_from_variant("SplineGrid_ENABLE_MPI", "mpi"),
            self.define_from_variant("SplineGrid_ENABLE_HDF5", "hdf5"),
            self.define_from_variant("SplineGrid_ENABLE_TESTS", "tests"),
            self.define_from_variant("SplineGrid_ENABLE_BENCHMARKS", "benchmarks"),
            self.define("SplineGrid_ENABLE_EXAMPLES", False),
            self.define("SplineGrid_ENABLE_FUZZING", False),
        ]
        if spec.satisfies("^kokkos+cuda") or spec.satisfies("^kokkos+rocm"):
            args.append(self.define("CMAKE_CXX_COMPILER", spec["kokkos"].kokkos_cxx))
        return args

    @run_after("install")
    def copy_test_sources(self):
        """Keep the downstream-consumer project for the stand-alone test."""
        cache_extra_test_sources(self, [join_path("cmake", "install_test")])

    def test_install_test(self):
        """build cmake/install_test against the installed package and run it"""
        source = join_path(self.test_suite.current_test_cache_dir, "cmake", "install_test")
        prefixes = ";".join(
            [self.prefix, self.spec["kokkos"].prefix, self.spec["kokkos-kernels"].prefix]
        )
        cmake = which("cmake", required=True)
        with working_dir(join_path(source, "build"), create=True):
            compiler = []
            if self.spec.satisfies("^kokkos+cuda") or self.spec.satisfies("^kokkos+rocm"):
                compiler = [self.define("CMAKE_CXX_COMPILER", self.spec["kokkos"].kokkos_cxx)]
            cmake(source, self.define("CMAKE_PREFIX_PATH", prefixes), *compiler)
            cmake("--build", ".")
            install_test = which(join_path(".", "splinegrid_install_test"), required=True)
            install_test()
