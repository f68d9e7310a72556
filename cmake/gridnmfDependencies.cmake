# Finds gridnmf's external dependencies and gives each one a target.
# Included by the build and by the installed package config, so a consumer of
# gridnmf::core resolves the same libraries the library was built against.
include(CMakeFindDependencyMacro)

# In the build a missing dependency stops configure at once with CMake's own
# message; in an installed package config, find_dependency reports it instead.
macro(gridnmf_find_dependency)
  if(CMAKE_FIND_PACKAGE_NAME)
    find_dependency(${ARGV})
  else()
    find_package(${ARGV} REQUIRED)
  endif()
endmacro()

gridnmf_find_dependency(MPI COMPONENTS C CXX)

set(HDF5_PREFER_PARALLEL TRUE)
gridnmf_find_dependency(HDF5 COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "gridnmf needs a parallel (MPI) build of HDF5, but found a serial one "
    "(${HDF5_C_LIBRARIES}). On Debian install libhdf5-openmpi-dev.")
endif()

gridnmf_find_dependency(OpenBLAS CONFIG)
if(NOT TARGET gridnmf_deps::openblas)
  add_library(gridnmf_deps::openblas INTERFACE IMPORTED)
  set_target_properties(gridnmf_deps::openblas PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${OpenBLAS_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${OpenBLAS_LIBRARIES}")
endif()

gridnmf_find_dependency(PkgConfig)
pkg_check_modules(SCALAPACK REQUIRED IMPORTED_TARGET GLOBAL scalapack-openmpi)

gridnmf_find_dependency(Boost 1.74 COMPONENTS program_options)

# Matrix Market and UCI docword input may be gzip-compressed.
gridnmf_find_dependency(ZLIB)

if(NOT TARGET gridnmf_deps::hdf5)
  add_library(gridnmf_deps::hdf5 INTERFACE IMPORTED)
  set_target_properties(gridnmf_deps::hdf5 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES}"
    INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS}")
endif()
