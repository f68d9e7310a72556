#pragma once

// The BLACS, ScaLAPACK and LAPACK entry points gridnmf calls, declared here
// because Debian ships no C header for them. Private to src/linalg.
// Fortran routines take every argument by pointer; character arguments are
// followed by their hidden lengths (gfortran ABI, size_t), passed explicitly.
#include <mpi.h>

#include <cstddef>

extern "C" {

// BLACS (C interface, part of libscalapack-openmpi).
int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int context);

// ScaLAPACK tools.
int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc,
            const int* nprocs);

// Copies the m x n submatrix A(ia:, ja:) into B(ib:, jb:) whatever their
// distributions; `context` must contain every process of both.
void pdgemr2d_(const int* m, const int* n, const double* a, const int* ia, const int* ja,
               const int* desca, double* b, const int* ib, const int* jb, const int* descb,
               const int* context);

// Householder QR of a distributed matrix, and the explicit Q from it.
void pdgeqrf_(const int* m, const int* n, double* a, const int* ia, const int* ja,
              const int* desca, double* tau, double* work, const int* lwork, int* info);
void pdorgqr_(const int* m, const int* n, const int* k, double* a, const int* ia, const int* ja,
              const int* desca, const double* tau, double* work, const int* lwork, int* info);

// LAPACK (OpenBLAS): SVD of a small dense column-major matrix.
void dgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, double* a,
             const int* lda, double* s, double* u, const int* ldu, double* vt, const int* ldvt,
             double* work, const int* lwork, int* info, std::size_t jobu_length,
             std::size_t jobvt_length);
}
