#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/rng.hpp"
#include "sim/scenario.hpp"

namespace lifecircle {

/// Closeness of a facility d metres away to a ring of R metres, 0-1:
/// s = 1 / (1 + exp((d - R) / (0.25 R)))  (PARAMETERS.md, "Satisfaction" [E]).
inline double ring_score(double d, double ring_m) {
    if (!std::isfinite(d)) return 0.0;
    return 1.0 / (1.0 + std::exp((d - ring_m) / (0.25 * ring_m)));
}

/// Inputs of a resident's monthly score, each 0-1.
struct ScoreParts {
    double basic = 0, quality = 0, government = 0;  ///< mean ring scores by class
    double served = 1;                              ///< 1 - unmet share of the month's needs
    double night = 1;                               ///< 1 if no night need went unmet
};

/// The weighted monthly score of a resident.
inline double satisfaction_score(const SatisfactionModel& m, const ScoreParts& p) {
    return m.weight_basic * p.basic + m.weight_quality * p.quality + m.weight_government * p.government +
           m.weight_unmet * p.served + m.weight_night * p.night;
}

/// A resident's personal threshold: normal(mean, sd) by Box-Muller on two Philox draws keyed
/// by the resident, clipped to [0.05, 0.99]; the same every month.
inline double satisfaction_threshold(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t resident) {
    const CounterRng rng(seed, 0x5A715FULL);
    const double u1 = std::max(rng.uniform(2 * resident), 1e-12), u2 = rng.uniform(2 * resident + 1);
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
    return std::clamp(m.threshold_mean + m.threshold_sd * z, 0.05, 0.99);
}

/// Wilson 95% interval of a share from k successes in n trials.
inline std::pair<double, double> wilson_interval(std::int64_t k, std::int64_t n) {
    if (n <= 0) return {0.0, 1.0};
    const double z = 1.959963984540054, p = static_cast<double>(k) / static_cast<double>(n);
    const double nn = static_cast<double>(n), denom = 1 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denom;
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace lifecircle
