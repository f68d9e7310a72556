#pragma once

// The BLAS and LAPACK routines gridnmf_local calls, through their Fortran
// symbols. Every vendor exports these (OpenBLAS, Intel MKL, BLIS, FlexiBLAS,
// the reference BLAS, Cray LibSci), while the C interface (cblas.h) lives in a
// different header, or none, on each; so gridnmf needs no BLAS header at all.
// Arguments go by pointer, matrices are column-major, integers are 32-bit
// (LP64: link MKL's *_lp64 interface, not ILP64), and each character argument
// is followed by its hidden length (gfortran ABI; other vendors ignore it).
// Private to src/local.
#include <cstddef>

extern "C" {

void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
            const double* beta, double* c, const int* ldc, std::size_t transa_length,
            std::size_t transb_length);
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
            const float* beta, float* c, const int* ldc, std::size_t transa_length,
            std::size_t transb_length);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* beta, double* c, const int* ldc,
            std::size_t uplo_length, std::size_t trans_length);
void ssyrk_(const char* uplo, const char* trans, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* beta, float* c, const int* ldc,
            std::size_t uplo_length, std::size_t trans_length);
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
            const int* n, const double* alpha, const double* a, const int* lda, double* b,
            const int* ldb, std::size_t side_length, std::size_t uplo_length,
            std::size_t transa_length, std::size_t diag_length);

// LAPACK: Cholesky factorization of a symmetric positive definite matrix.
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info,
             std::size_t uplo_length);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info,
             std::size_t uplo_length);
void dpocon_(const char* uplo, const int* n, const double* a, const int* lda, const double* anorm,
             double* rcond, double* work, int* iwork, int* info, std::size_t uplo_length);

// OpenBLAS only: the name of the kernel set it chose for this CPU. Weak, so
// the program links and runs with any other BLAS (the address is then null);
// referenced only when configure found it (GRIDNMF_HAVE_OPENBLAS_CORENAME).
char* openblas_get_corename(void) __attribute__((weak));
}
