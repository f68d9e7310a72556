# Sourced by the scripts: lets Open MPI run as root (CI and containers), allows
# more ranks than cores, and keeps OpenBLAS to one thread per rank.
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
