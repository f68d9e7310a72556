# Configure with every ScaLAPACK hidden (pkg-config sees an empty directory, the
# MPI flavour names no installed library) must stop with exactly one error that
# says ScaLAPACK is missing and how to provide it.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/empty-pkgconfig")
string(REPLACE "|" ";" forward "${FORWARD}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${WORK_DIR}/empty-pkgconfig
          PKG_CONFIG_PATH=${WORK_DIR}/empty-pkgconfig
          ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build"
          -DGRIDNMF_MPI_FLAVOUR=none-such ${forward}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
  message(FATAL_ERROR "configure succeeded without ScaLAPACK:\n${out}")
endif()
string(REGEX MATCHALL "CMake Error" errors "${err}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1 OR NOT err MATCHES "no ScaLAPACK found" OR NOT err MATCHES "SCALAPACK_LIBRARIES")
  message(FATAL_ERROR "expected one 'no ScaLAPACK found' error, got ${error_count}:\n${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "configure without ScaLAPACK stops with one message")
