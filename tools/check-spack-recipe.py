#!/usr/bin/env python3
"""Checks cmake/spack/packages/splinegrid/package.py without Spack: the recipe must be
valid Python, and its class body must run against a stand-in of the spack.package
API that records every directive and checks its arguments' types. Then cmake_args()
must define every SplineGrid_* option of CMakeLists.txt that has a variant."""

import pathlib
import re
import sys
import types

root = pathlib.Path(__file__).resolve().parent.parent
recipe = root / "cmake" / "spack" / "packages" / "splinegrid" / "package.py"
directives = []


def directive(name, positional):
    def record(*args, **kwargs):
        assert len(args) == positional, f"{name}: expected {positional} positional args, got {args}"
        assert all(isinstance(a, str) for a in args), f"{name}: arguments must be strings"
        directives.append((name, args, kwargs))
    return record


class Spec:
    def __init__(self, variants):
        self.variants = variants

    def satisfies(self, constraint):
        assert isinstance(constraint, str)
        return False

    def __getitem__(self, name):
        raise AssertionError("not reached for a host-only spec")


class CMakePackage:
    def __init__(self, variants):
        self.spec = Spec(variants)

    def define(self, name, value):
        return f"-D{name}={value}"

    def define_from_variant(self, name, variant):
        assert variant in self.spec.variants, f"define_from_variant: no variant {variant}"
        return f"-D{name}={'ON' if self.spec.variants[variant] else 'OFF'}"


api = types.ModuleType("spack.package")
api.CMakePackage = CMakePackage
api.version = directive("version", 1)
api.variant = directive("variant", 1)
api.depends_on = directive("depends_on", 1)
api.maintainers = directive("maintainers", 1)
api.license = directive("license", 1)
api.run_after = lambda phase: (lambda f: f)
api.cache_extra_test_sources = lambda pkg, paths: None
api.join_path = lambda *parts: "/".join(parts)
api.which = lambda *a, **k: None
api.working_dir = None
api.__all__ = [n for n in dir(api) if not n.startswith("_")]
sys.modules["spack"] = types.ModuleType("spack")
sys.modules["spack.package"] = api

namespace = {}
exec(compile(recipe.read_text(), str(recipe), "exec"), namespace)
cls = namespace["Splinegrid"]
variants = {args[0]: kwargs["default"] for name, args, kwargs in directives if name == "variant"}
for needed in ("mpi", "hdf5", "tests", "benchmarks"):
    assert needed in variants, f"variant {needed} missing"
deps = [args[0] for name, args, _ in directives if name == "depends_on"]
assert any(d.startswith("kokkos@3.4:") for d in deps), "depends_on('kokkos@3.4:') missing"
assert "kokkos-kernels" in deps, "depends_on('kokkos-kernels') missing"
assert hasattr(cls, "test_install_test"), "stand-alone test missing"
args = cls(variants).cmake_args()
options = set(re.findall(r"option\((SplineGrid_ENABLE_\w+)", (root / "CMakeLists.txt").read_text()))
defined = {a.split("=")[0][2:] for a in args}
missing = options - defined
assert not missing, f"cmake_args() does not set {sorted(missing)}"
print(f"spack recipe ok: {len(directives)} directives, cmake_args {args}")
