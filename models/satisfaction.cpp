#include "models/satisfaction.hpp"

#include <algorithm>
#include <array>

#include <tbb/parallel_for.h>

#include "core/rng.hpp"
#include "core/streams.hpp"

namespace lifecircle {

double satisfaction_threshold(const SatisfactionModel& m, std::uint64_t seed, std::uint64_t resident) {
    const CounterRng rng(seed, streams::kThreshold);
    const double u1 = std::max(rng.uniform(2 * resident), 1e-12), u2 = rng.uniform(2 * resident + 1);
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
    return std::clamp(m.threshold_mean + m.threshold_sd * z, 0.05, 0.99);
}

void score_residents(const World& w, const FacilityReach& reach, const ResidentMonth& month,
                     std::vector<std::uint8_t>& satisfied) {
    const Scenario& sc = w.scenario;
    const std::size_t nn = w.network.num_nodes(), nc = sc.categories.size();
    constexpr int kClasses = 3;  // basic, quality, government
    std::vector<float> parts(nn * kAgeGroups * kClasses, 0.0f);
    std::array<int, kClasses> per_class{};
    for (const auto& c : sc.categories) per_class[static_cast<int>(c.cls)] += c.scored ? 1 : 0;
    tbb::parallel_for(std::size_t{0}, nn, [&](std::size_t v) {
        for (int a = 0; a < kAgeGroups; ++a) {
            std::array<double, kClasses> sum{};
            for (std::size_t c = 0; c < nc; ++c)
                if (sc.categories[c].scored)
                    sum[static_cast<int>(sc.categories[c].cls)] +=
                        ring_score(reach.nearest(c, static_cast<std::uint32_t>(v)), sc.ring_metres(c, a));
            for (int k = 0; k < kClasses; ++k)
                parts[(v * kAgeGroups + a) * kClasses + k] =
                    static_cast<float>(per_class[k] ? sum[k] / per_class[k] : 1.0);
        }
    });
    const auto& res = w.residents;
    satisfied.resize(res.size(), 0);
    tbb::parallel_for(std::size_t{0}, res.size(), [&](std::size_t i) {
        const float* p = &parts[(res.home_node[i] * kAgeGroups + res.age[i]) * kClasses];
        ScoreParts sp;
        sp.basic = p[0];
        sp.quality = p[1];
        sp.government = p[2];
        sp.served = month.needs[i] ? 1.0 - static_cast<double>(month.unmet[i]) / month.needs[i] : 1.0;
        sp.night = month.night_unmet[i] ? 0.0 : 1.0;
        satisfied[i] = satisfaction_score(sc.satisfaction, sp) >= month.threshold[i] ? 1 : 0;
    });
}

Survey emulate_survey(std::uint64_t seed, std::size_t d, std::uint64_t month_index, int sample,
                      std::span<const std::uint32_t> members, std::span<const std::uint8_t> satisfied) {
    Survey s;
    if (members.empty()) return s;
    const CounterRng rng(seed, streams::survey(d));
    s.n = sample;
    for (int k = 0; k < sample; ++k)
        s.satisfied +=
            satisfied[members[rng.below(month_index * 100000 + static_cast<std::uint64_t>(k), members.size())]];
    std::tie(s.low, s.high) = wilson_interval(s.satisfied, s.n);
    return s;
}

std::pair<double, double> wilson_interval(std::int64_t k, std::int64_t n) {
    if (n <= 0) return {0.0, 1.0};
    const double z = 1.959963984540054, p = static_cast<double>(k) / static_cast<double>(n);
    const double nn = static_cast<double>(n), denom = 1 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denom;
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace lifecircle
