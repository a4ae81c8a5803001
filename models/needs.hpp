#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/scenario.hpp"

namespace lifecircle {

/// Daily needs of residents: how many, of which category, in which time slot.
///
/// A resident's needs of a day are Poisson with the sum of its categories' rates for its age
/// group and the day type (household categories count only for the household's head, its
/// first member); each need's (category, slot) is drawn from their joint distribution,
/// rate of the category times the share of its slot profile. The count is a search of a
/// short Poisson table; the (category, slot) pair is one draw from a Walker alias table
/// (Vose's construction): O(1) and nearly free of unpredictable branches, which matters
/// because it runs once for every trip.
class NeedModel {
public:
    static constexpr int kMaxNeeds = 16;

    explicit NeedModel(const Scenario& sc)
        : m_categories(static_cast<int>(sc.categories.size())), m_slots(static_cast<int>(sc.slots.size())) {
        for (int a = 0; a < kAgeGroups; ++a)
            for (int d = 0; d < kDayTypes; ++d)
                for (int head = 0; head < 2; ++head) {
                    auto& t = m_tables[index(a, d, head)];
                    std::vector<double> weight;  // outcome c * slots + s
                    double total = 0;
                    for (const auto& c : sc.categories) {
                        const double rate = c.household && !head ? 0.0 : c.trips_per_day[d][a];
                        total += rate;
                        double profile = 0;
                        for (double share : c.slot_profile) profile += share;
                        for (int s = 0; s < m_slots; ++s)
                            weight.push_back(profile > 0 ? rate * c.slot_profile[static_cast<std::size_t>(s)] / profile
                                                         : 0.0);
                    }
                    t.rate = total;
                    t.alias = build_alias(weight);
                    // Poisson(total) CDF up to kMaxNeeds
                    double p = std::exp(-total), cum = 0;
                    for (int k = 0; k <= kMaxNeeds; ++k) {
                        cum += p;
                        t.count_cdf[k] = cum;
                        p *= total / (k + 1);
                    }
                }
    }

    /// Expected needs a day for (age group, day type, household head).
    double rate(int age, int day_type, bool head) const { return m_tables[index(age, day_type, head)].rate; }

    /// Number of needs for a uniform u in [0, 1).
    int count(int age, int day_type, bool head, double u) const {
        const auto& cdf = m_tables[index(age, day_type, head)].count_cdf;
        int k = 0;
        while (k < kMaxNeeds && u >= cdf[k]) ++k;
        return k;
    }

    /// Category and time slot of a need for a uniform u in [0, 1) (only for a table whose
    /// rate is positive: with rate 0, count() is always 0).
    struct CategorySlot {
        int category, slot;
    };
    CategorySlot category_slot(int age, int day_type, bool head, double u) const {
        const auto& alias = m_tables[index(age, day_type, head)].alias;
        const double x = u * static_cast<double>(alias.size());
        const auto i = std::min(static_cast<std::size_t>(x), alias.size() - 1);
        const Alias& e = alias[i];
        const int outcome = x - static_cast<double>(i) < e.threshold ? e.self : e.other;
        return {outcome / m_slots, outcome % m_slots};
    }

private:
    struct Alias {
        double threshold;     ///< keep `self` below this fraction of the column
        std::int32_t self, other;
    };
    struct Table {
        double rate = 0;
        std::vector<Alias> alias;
        std::array<double, kMaxNeeds + 1> count_cdf{};
    };
    static int index(int age, int day, int head) { return (age * kDayTypes + day) * 2 + head; }

    /// Vose's alias method: n columns of height 1, each split between its own outcome and
    /// one other, so that outcome o gets weight[o] / sum of the total.
    static std::vector<Alias> build_alias(const std::vector<double>& weight) {
        const std::size_t n = weight.size();
        std::vector<Alias> out(n);
        double sum = 0;
        for (double w : weight) sum += w;
        if (n == 0 || !(sum > 0)) {
            for (std::size_t i = 0; i < n; ++i) out[i] = {1.0, static_cast<std::int32_t>(i), static_cast<std::int32_t>(i)};
            return out;
        }
        std::vector<double> scaled(n);
        std::vector<std::size_t> small, large;
        for (std::size_t i = 0; i < n; ++i) {
            scaled[i] = weight[i] * static_cast<double>(n) / sum;
            (scaled[i] < 1.0 ? small : large).push_back(i);
        }
        while (!small.empty() && !large.empty()) {
            const std::size_t s = small.back(), l = large.back();
            small.pop_back();
            out[s] = {scaled[s], static_cast<std::int32_t>(s), static_cast<std::int32_t>(l)};
            scaled[l] -= 1.0 - scaled[s];
            if (scaled[l] < 1.0) {
                large.pop_back();
                small.push_back(l);
            }
        }
        // what is left is 1 up to rounding
        for (auto i : large) out[i] = {1.0, static_cast<std::int32_t>(i), static_cast<std::int32_t>(i)};
        for (auto i : small) out[i] = {1.0, static_cast<std::int32_t>(i), static_cast<std::int32_t>(i)};
        return out;
    }

    int m_categories, m_slots;
    std::array<Table, kAgeGroups * kDayTypes * 2> m_tables;
};

}  // namespace lifecircle
