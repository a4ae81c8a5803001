#include "core/philox_batch.hpp"

#include <cstdlib>
#include <string_view>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LIFECIRCLE_X86 1
#endif

namespace lifecircle {

bool cpu_has_avx2() {
#ifdef LIFECIRCLE_X86
    static const bool has = [] {
        const char* off = std::getenv("LIFECIRCLE_PORTABLE");
        if (off && *off && std::string_view(off) != "0") return false;
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return has;
#else
    return false;
#endif
}

PhiloxBatch::PhiloxBatch(std::uint64_t key, bool simd)
    : m_key{{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)}}, m_simd(simd && cpu_has_avx2()) {}

#ifdef LIFECIRCLE_X86
namespace {

/// hi and lo halves of the 32x32->64 products m * a, lane by lane.
__attribute__((target("avx2"))) inline void mulhilo(__m256i m, __m256i a, __m256i& hi, __m256i& lo) {
    const __m256i even = _mm256_mul_epu32(a, m);                        // lanes 0, 2, 4, 6
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // lanes 1, 3, 5, 7
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

/// Philox 4x32-10 of streams s .. s + 7 at `n` counters from `counter` (n = 1 or 2), the
/// rounds of the counters interleaved.
template <int n>
__attribute__((target("avx2"))) inline void philox_avx2(std::uint32_t k0, std::uint32_t k1, std::uint64_t counter,
                                                        std::uint64_t s, PhiloxBatch::Batch* out) {
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(PHILOX_M4x32_0));
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(PHILOX_M4x32_1));
    __m256i c0[n], c1[n], c2[n], c3[n];
    for (int j = 0; j < n; ++j) {
        const std::uint64_t at = counter + static_cast<std::uint64_t>(j);
        c0[j] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(at)));
        c1[j] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(at >> 32)));
        c2[j] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s))),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        c3[j] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s >> 32)));
    }
    for (int round = 0; round < 10; ++round) {
        const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0)), key1 = _mm256_set1_epi32(static_cast<int>(k1));
        for (int j = 0; j < n; ++j) {
            __m256i hi0, lo0, hi1, lo1;
            mulhilo(m0, c0[j], hi0, lo0);
            mulhilo(m1, c2[j], hi1, lo1);
            c0[j] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[j]), key0);
            c1[j] = lo1;
            c2[j] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[j]), key1);
            c3[j] = lo0;
        }
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    for (int j = 0; j < n; ++j) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j][0].data()), c0[j]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j][1].data()), c1[j]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j][2].data()), c2[j]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j][3].data()), c3[j]);
    }
}

}  // namespace
#endif

void PhiloxBatch::eight(std::uint64_t counter, std::uint64_t s, Batch& out) const {
#ifdef LIFECIRCLE_X86
    if (m_simd) return philox_avx2<1>(m_key[0], m_key[1], counter, s, &out);
#endif
    for (int lane = 0; lane < kLanes; ++lane) {
        const auto w = one(counter, s + static_cast<std::uint64_t>(lane));
        for (int k = 0; k < 4; ++k)
            out[static_cast<std::size_t>(k)][static_cast<std::size_t>(lane)] = w[static_cast<std::size_t>(k)];
    }
}

void PhiloxBatch::eight_twice(std::uint64_t counter, std::uint64_t s, Batch& first, Batch& second) const {
#ifdef LIFECIRCLE_X86
    if (m_simd) {
        Batch both[2];
        philox_avx2<2>(m_key[0], m_key[1], counter, s, both);
        first = both[0];
        second = both[1];
        return;
    }
#endif
    eight(counter, s, first);
    eight(counter + 1, s, second);
}

}  // namespace lifecircle
