# A plain install, as a user on a cluster would do it: configure a scratch
# build with the tests and benchmarks off and GoogleTest / Google Benchmark
# made unfindable, build, install into a scratch prefix, run the installed
# executable, and use the installed package from a consumer project.
# FORWARD: the parent build's dependency choices ("-DVAR=value" entries), so
# the scratch build uses the same MPI, HDF5, BLAS and ScaLAPACK.
file(REMOVE_RECURSE "${WORK_DIR}")
set(build "${WORK_DIR}/build")
set(prefix "${WORK_DIR}/prefix")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "step failed: ${ARGN}\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

string(REPLACE "|" ";" forward "${FORWARD}")
# Unoptimised (-O0): what is tested is the configuration, the install and the
# package, not the code, and it compiles about three times faster.
run_step(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${build}" -DCMAKE_BUILD_TYPE=Release
         -DCMAKE_CXX_FLAGS_RELEASE=-O0 -DGRIDNMF_BUILD_TESTS=OFF -DGRIDNMF_BUILD_BENCH=OFF
         -DCMAKE_DISABLE_FIND_PACKAGE_GTest=TRUE -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=TRUE
         ${forward})
file(GLOB_RECURSE test_targets "${build}/tests/*" "${build}/bench/*")
if(test_targets)
  message(FATAL_ERROR "tests or benchmarks configured in a plain build: ${test_targets}")
endif()
run_step(${CMAKE_COMMAND} --build "${build}" --parallel ${JOBS})
run_step(${CMAKE_COMMAND} --install "${build}" --prefix "${prefix}")
run_step("${prefix}/bin/gridnmf" --version)
if(NOT step_output MATCHES "gridnmf")
  message(FATAL_ERROR "installed gridnmf --version printed: ${step_output}")
endif()
run_step(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install/consumer" -B "${WORK_DIR}/consumer"
         -DCMAKE_PREFIX_PATH=${prefix} ${forward})
run_step(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run_step("${WORK_DIR}/consumer/consumer")
file(REMOVE_RECURSE "${build}")
message(STATUS "plain build installed and used: ${prefix}")
