# Finds gridnmf's external dependencies and gives each one a target.
# Included by the build and by the installed package config, so a consumer of
# gridnmf::core resolves the same libraries the library was built against
# (the package config presets BLA_VENDOR, SCALAPACK_LIBRARIES and the MPI
# flavour of the build before including this file).
#
#   MPI        FindMPI (MPI_C_COMPILER / MPI_CXX_COMPILER pick the flavour)
#   HDF5       FindHDF5, parallel build required (HDF5_C_COMPILER_EXECUTABLE,
#              e.g. h5pcc.mpich, or HDF5_ROOT pick it)
#   BLAS       FindBLAS + FindLAPACK, honouring BLA_VENDOR (OpenBLAS,
#              Intel10_64lp, FlexiBLAS, FLAME = BLIS + libflame, Generic, ...);
#              LP64 (32-bit integer) interface; called through the Fortran
#              symbols, so no cblas.h is needed
#   ScaLAPACK  the search described at gridnmf_find_scalapack below
#   Boost      program_options >= 1.66
#   ZLIB       gzip-compressed Matrix Market and UCI input
#   PNG        libpng: image folders for convert, the pictures of `images`
include(CMakeFindDependencyMacro)
include(CheckSymbolExists)

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

# Which MPI this is, from its own header: decides the ScaLAPACK/BLACS flavour
# and the launcher flags of the tests ("openmpi", "mpich" for MPICH and its
# derivatives: Intel MPI, Cray MPICH, MVAPICH; "unknown" otherwise).
if(NOT GRIDNMF_MPI_FLAVOUR)
  set(CMAKE_REQUIRED_INCLUDES ${MPI_C_INCLUDE_DIRS})
  set(CMAKE_REQUIRED_QUIET TRUE)
  check_symbol_exists(OMPI_MAJOR_VERSION "mpi.h" GRIDNMF_MPI_IS_OPENMPI)
  check_symbol_exists(MPICH_VERSION "mpi.h" GRIDNMF_MPI_IS_MPICH)
  unset(CMAKE_REQUIRED_INCLUDES)
  unset(CMAKE_REQUIRED_QUIET)
  if(GRIDNMF_MPI_IS_OPENMPI)
    set(GRIDNMF_MPI_FLAVOUR openmpi)
  elseif(GRIDNMF_MPI_IS_MPICH)
    set(GRIDNMF_MPI_FLAVOUR mpich)
  else()
    set(GRIDNMF_MPI_FLAVOUR unknown)
  endif()
  set(GRIDNMF_MPI_FLAVOUR ${GRIDNMF_MPI_FLAVOUR} CACHE STRING
    "MPI implementation family (openmpi, mpich, unknown), detected from mpi.h")
endif()

set(HDF5_PREFER_PARALLEL TRUE)
# HL: the dimension-scale API (H5DS) that names the axes of /W and /H.
gridnmf_find_dependency(HDF5 COMPONENTS C HL)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "gridnmf needs a parallel (MPI) build of HDF5, but found a serial one "
    "(${HDF5_C_LIBRARIES}). Install the HDF5 of your MPI (Debian: libhdf5-openmpi-dev or "
    "libhdf5-mpich-dev; a cluster: module load hdf5 built with MPI) or point "
    "HDF5_C_COMPILER_EXECUTABLE at its h5pcc.")
endif()

# BLAS and LAPACK: any vendor FindBLAS knows; BLA_VENDOR chooses one.
set(BLA_SIZEOF_INTEGER 4)
gridnmf_find_dependency(BLAS)
find_package(LAPACK QUIET)
if(NOT LAPACK_FOUND AND BLA_VENDOR AND NOT BLA_VENDOR STREQUAL "Generic")
  # A BLAS without LAPACK of its own (BLIS without libflame): the reference
  # LAPACK on top of it. The BLAS is linked first, so its routines win.
  set(gridnmf_saved_vendor ${BLA_VENDOR})
  set(BLA_VENDOR Generic)
  find_package(LAPACK QUIET)
  set(BLA_VENDOR ${gridnmf_saved_vendor})
  unset(gridnmf_saved_vendor)
endif()
if(NOT LAPACK_FOUND)
  message(FATAL_ERROR
    "gridnmf needs LAPACK (dpotrf, dgesvd) but found none for BLA_VENDOR='${BLA_VENDOR}' "
    "(BLAS: ${BLAS_LIBRARIES}). Install one (OpenBLAS and MKL include it; Debian: "
    "liblapack-dev) or set BLA_VENDOR.")
endif()
if(NOT TARGET gridnmf_deps::blas)
  add_library(gridnmf_deps::blas INTERFACE IMPORTED)
  set(gridnmf_blas_libraries ${BLAS_LIBRARIES} ${LAPACK_LIBRARIES})
  list(REMOVE_DUPLICATES gridnmf_blas_libraries)
  set_target_properties(gridnmf_deps::blas PROPERTIES
    INTERFACE_LINK_LIBRARIES "${gridnmf_blas_libraries};${BLAS_LINKER_FLAGS}")
  unset(gridnmf_blas_libraries)
endif()
if(NOT DEFINED GRIDNMF_HAVE_OPENBLAS_CORENAME)
  set(CMAKE_REQUIRED_LIBRARIES ${BLAS_LIBRARIES})
  set(CMAKE_REQUIRED_QUIET TRUE)
  include(CheckFunctionExists)
  check_function_exists(openblas_get_corename GRIDNMF_HAVE_OPENBLAS_CORENAME)
  unset(CMAKE_REQUIRED_LIBRARIES)
  unset(CMAKE_REQUIRED_QUIET)
  if(NOT CMAKE_FIND_PACKAGE_NAME)
    if(GRIDNMF_HAVE_OPENBLAS_CORENAME)
      message(STATUS "gridnmf: BLAS is OpenBLAS: GEMM layout chosen by its kernel set")
    else()
      message(STATUS "gridnmf: BLAS is not OpenBLAS (${BLAS_LIBRARIES}): GEMM layout "
                     "'tall' by default; GRIDNMF_PRODUCT_LAYOUT=wide at run time tries the other")
    endif()
  endif()
endif()

# ScaLAPACK (with the BLACS), of the same MPI flavour, searched in this order:
#  1. SCALAPACK_LIBRARIES, when given (-DSCALAPACK_LIBRARIES="lib1;lib2"): used
#     as is, e.g. Cray LibSci (empty string: the compiler wrapper links it).
#  2. Intel MKL (BLA_VENDOR Intel10_64*, or GRIDNMF_SCALAPACK=mkl): mkl_scalapack_lp64
#     and the BLACS of the MPI flavour (mkl_blacs_openmpi_lp64 or
#     mkl_blacs_intelmpi_lp64, the latter for MPICH and Intel MPI) under MKLROOT.
#  3. pkg-config: scalapack-openmpi or scalapack-mpich (the flavour of the MPI
#     found above; Debian, Ubuntu), then scalapack (Fedora, Spack, conda).
#  4. A library named like the pkg-config modules in the usual places (and
#     SCALAPACK_ROOT / CMAKE_PREFIX_PATH).
# None found: configure stops with one message that says what was tried.
macro(gridnmf_find_scalapack)
  # An INTERNAL cache entry of that name is pkg-config's result from an older
  # build tree (pkg_check_modules(SCALAPACK ...)), not a user's choice.
  get_property(gridnmf_scalapack_cache_type CACHE SCALAPACK_LIBRARIES PROPERTY TYPE)
  if(gridnmf_scalapack_cache_type STREQUAL "INTERNAL")
    unset(SCALAPACK_LIBRARIES CACHE)
    unset(SCALAPACK_LIBRARIES)
  endif()
  if(TARGET gridnmf_deps::scalapack)
  elseif(DEFINED SCALAPACK_LIBRARIES)
    set(gridnmf_scalapack_found "SCALAPACK_LIBRARIES=${SCALAPACK_LIBRARIES}")
    set(gridnmf_scalapack_link ${SCALAPACK_LIBRARIES})
  else()
    set(gridnmf_scalapack_link "")
    set(gridnmf_scalapack_tried "")
    if(BLA_VENDOR MATCHES "^Intel10_64" OR GRIDNMF_SCALAPACK STREQUAL "mkl")
      if(GRIDNMF_MPI_FLAVOUR STREQUAL "openmpi")
        set(gridnmf_mkl_blacs mkl_blacs_openmpi_lp64)
      else()
        set(gridnmf_mkl_blacs mkl_blacs_intelmpi_lp64)
      endif()
      find_library(GRIDNMF_MKL_SCALAPACK mkl_scalapack_lp64
        HINTS ENV MKLROOT PATH_SUFFIXES lib/intel64 lib)
      find_library(GRIDNMF_MKL_BLACS ${gridnmf_mkl_blacs}
        HINTS ENV MKLROOT PATH_SUFFIXES lib/intel64 lib)
      list(APPEND gridnmf_scalapack_tried "MKL (mkl_scalapack_lp64 + ${gridnmf_mkl_blacs})")
      if(GRIDNMF_MKL_SCALAPACK AND GRIDNMF_MKL_BLACS)
        set(gridnmf_scalapack_link ${GRIDNMF_MKL_SCALAPACK} ${GRIDNMF_MKL_BLACS})
        set(gridnmf_scalapack_found "MKL ${GRIDNMF_MKL_SCALAPACK}")
      endif()
    endif()
    set(gridnmf_scalapack_names scalapack-${GRIDNMF_MPI_FLAVOUR} scalapack)
    if(NOT gridnmf_scalapack_link)
      find_package(PkgConfig QUIET)
      if(PkgConfig_FOUND)
        foreach(gridnmf_module IN LISTS gridnmf_scalapack_names)
          list(APPEND gridnmf_scalapack_tried "pkg-config ${gridnmf_module}")
          pkg_check_modules(GRIDNMF_PC_SCALAPACK QUIET IMPORTED_TARGET GLOBAL ${gridnmf_module})
          if(GRIDNMF_PC_SCALAPACK_FOUND)
            set(gridnmf_scalapack_link PkgConfig::GRIDNMF_PC_SCALAPACK)
            set(gridnmf_scalapack_found "pkg-config ${gridnmf_module}")
            break()
          endif()
        endforeach()
      endif()
    endif()
    if(NOT gridnmf_scalapack_link)
      find_library(GRIDNMF_SCALAPACK_LIBRARY NAMES ${gridnmf_scalapack_names}
        HINTS ENV SCALAPACK_ROOT PATH_SUFFIXES lib lib64)
      list(APPEND gridnmf_scalapack_tried "library ${gridnmf_scalapack_names}")
      if(GRIDNMF_SCALAPACK_LIBRARY)
        set(gridnmf_scalapack_link ${GRIDNMF_SCALAPACK_LIBRARY})
        set(gridnmf_scalapack_found "${GRIDNMF_SCALAPACK_LIBRARY}")
      endif()
    endif()
    if(NOT gridnmf_scalapack_link)
      list(JOIN gridnmf_scalapack_tried ", " gridnmf_scalapack_tried)
      message(FATAL_ERROR
        "gridnmf: no ScaLAPACK found for MPI flavour '${GRIDNMF_MPI_FLAVOUR}' (tried "
        "${gridnmf_scalapack_tried}). Install it (Debian: libscalapack-openmpi-dev or "
        "libscalapack-mpich-dev; a cluster: module load scalapack), or pass "
        "-DSCALAPACK_LIBRARIES=\"/path/libscalapack.so\" (MKL: -DBLA_VENDOR=Intel10_64lp).")
    endif()
  endif()
  if(NOT TARGET gridnmf_deps::scalapack)
    add_library(gridnmf_deps::scalapack INTERFACE IMPORTED)
    set_target_properties(gridnmf_deps::scalapack PROPERTIES
      INTERFACE_LINK_LIBRARIES "${gridnmf_scalapack_link}")
    if(NOT CMAKE_FIND_PACKAGE_NAME)
      message(STATUS "gridnmf: ScaLAPACK from ${gridnmf_scalapack_found}")
    endif()
  endif()
endmacro()
gridnmf_find_scalapack()

gridnmf_find_dependency(Boost 1.66 COMPONENTS program_options)

# Matrix Market and UCI docword input may be gzip-compressed.
gridnmf_find_dependency(ZLIB)

# PNG input (convert of an image folder) and output (gridnmf images).
gridnmf_find_dependency(PNG)

if(NOT TARGET gridnmf_deps::hdf5)
  add_library(gridnmf_deps::hdf5 INTERFACE IMPORTED)
  set_target_properties(gridnmf_deps::hdf5 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${HDF5_HL_LIBRARIES};${HDF5_C_LIBRARIES}"
    INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS}")
  # gridnmf uses the HDF5 1.10 API; newer releases provide it on request.
  if(HDF5_VERSION VERSION_GREATER_EQUAL 1.12)
    set_property(TARGET gridnmf_deps::hdf5 APPEND PROPERTY
      INTERFACE_COMPILE_DEFINITIONS H5_USE_110_API)
  endif()
endif()
