#pragma once

#include <array>
#include <cstdint>

#include <Random123/philox.h>

namespace lifecircle {

/// Counter-based random numbers (Philox 2x64-10): the same (key, counter) always gives the
/// same numbers, on any thread, in any order. Key = seed, counter = (what is drawn, stream).
/// 2x64 rather than 4x32: the same 128 bits a call with half the multiplications (one
/// 64x64->128 multiply a round). The residents' daily needs, drawn for eight residents a
/// call, use Philox 4x32-10 instead (sim/philox_batch.hpp).
class CounterRng {
  public:
    CounterRng(std::uint64_t seed, std::uint64_t stream) : m_key{{seed}}, m_stream(stream) {}

    /// A uniform double in [0, 1) for draw number `counter`.
    double uniform(std::uint64_t counter) const {
        const auto r = raw(counter);
        return static_cast<double>(r[0] >> 11) * 0x1.0p-53;
    }
    /// Four uniform 32-bit integers from one call (for integer-only table draws).
    std::array<std::uint32_t, 4> bits4(std::uint64_t counter) const {
        const auto r = raw(counter);
        return {static_cast<std::uint32_t>(r[0]), static_cast<std::uint32_t>(r[0] >> 32),
                static_cast<std::uint32_t>(r[1]), static_cast<std::uint32_t>(r[1] >> 32)};
    }
    /// A uniform integer in [0, n) for draw number `counter` (n > 0).
    std::uint64_t below(std::uint64_t counter, std::uint64_t n) const {
        return static_cast<std::uint64_t>(uniform(counter) * static_cast<double>(n)) % n;
    }

  private:
    r123::Philox2x64::ctr_type raw(std::uint64_t counter) const {
        const r123::Philox2x64::ctr_type c{{counter, m_stream}};
        return r123::Philox2x64{}(c, m_key);
    }

    r123::Philox2x64::key_type m_key;
    std::uint64_t m_stream;
};

}  // namespace lifecircle
