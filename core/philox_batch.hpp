#pragma once

#include <array>
#include <cstdint>

#include <Random123/philox.h>

namespace lifecircle {

/// Philox 4x32-10 for eight consecutive streams at once: the random bits of residents'
/// needs, where one call is made per resident and day.
///
/// The stream of (key, counter, stream) is exactly Random123's Philox4x32-10 with
/// counter words {counter_lo, counter_hi, stream_lo, stream_hi} and key words {key_lo,
/// key_hi}: `one()` is that function, and `eight()` computes it for streams s .. s+7 with
/// AVX2 (eight 32-bit lanes, two 32x32->64 multiplies a round) where the processor has it,
/// else with `one()` eight times. Both give the same bits (integer arithmetic only; a test
/// compares them), so results never depend on the machine.
class PhiloxBatch {
  public:
    static constexpr int kLanes = 8;
    using Words = std::array<std::uint32_t, 4>;
    /// words[w][lane]: word w of stream s + lane
    using Batch = std::array<std::array<std::uint32_t, kLanes>, 4>;

    explicit PhiloxBatch(std::uint64_t key, bool simd = true);

    /// The four words of one call.
    Words one(std::uint64_t counter, std::uint64_t stream) const {
        const r123::Philox4x32::ctr_type c{
            {static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32),
             static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)}};
        const auto r = r123::Philox4x32{}(c, m_key);
        return {r[0], r[1], r[2], r[3]};
    }

    /// The words of streams s .. s+7 at one counter (s + 7 must not wrap past 2^32 in the
    /// low stream word; resident ids are far below it).
    void eight(std::uint64_t counter, std::uint64_t s, Batch& out) const;

    /// eight() at `counter` into `first` and at `counter + 1` into `second` (a resident-day's
    /// first two calls), the two computed together so that the processor overlaps their
    /// rounds (each round's multiplications wait for the round before).
    void eight_twice(std::uint64_t counter, std::uint64_t s, Batch& first, Batch& second) const;

    /// True when eight() uses AVX2 (the processor has it and it was not turned off).
    bool simd() const { return m_simd; }

  private:
    r123::Philox4x32::key_type m_key;
    bool m_simd;
};

/// True when the processor runs AVX2 code and LIFECIRCLE_PORTABLE is not set in the
/// environment (set it to run the portable code paths; results are the same).
bool cpu_has_avx2();

}  // namespace lifecircle
