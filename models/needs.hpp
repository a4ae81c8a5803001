#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "sim/scenario.hpp"

namespace lifecircle {

/// Daily needs of residents: how many, of which category, in which time slot.
///
/// A resident's needs of a day are Poisson with the sum of its categories' rates for its age
/// group and the day type (household categories count only for the household's head, its
/// first member); each need's category is drawn in proportion to the rates, its slot from
/// the category's slot profile. Tables are precomputed, so a draw is a table search.
class NeedModel {
public:
    static constexpr int kMaxNeeds = 16;

    explicit NeedModel(const Scenario& sc) : m_categories(static_cast<int>(sc.categories.size())) {
        for (int a = 0; a < kAgeGroups; ++a)
            for (int d = 0; d < kDayTypes; ++d)
                for (int head = 0; head < 2; ++head) {
                    auto& t = m_tables[index(a, d, head)];
                    double total = 0;
                    for (const auto& c : sc.categories) {
                        if (c.household && !head) {
                            t.category_cdf.push_back(total);
                            continue;
                        }
                        total += c.trips_per_day[d][a];
                        t.category_cdf.push_back(total);
                    }
                    t.rate = total;
                    // Poisson(total) CDF up to kMaxNeeds
                    double p = std::exp(-total), cum = 0;
                    for (int k = 0; k <= kMaxNeeds; ++k) {
                        cum += p;
                        t.count_cdf[k] = cum;
                        p *= total / (k + 1);
                    }
                }
        for (const auto& c : sc.categories) {
            std::vector<double> cdf;
            double cum = 0;
            for (double share : c.slot_profile) cdf.push_back(cum += share);
            m_slot_cdf.push_back(std::move(cdf));
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
    /// Category of a need for a uniform u in [0, 1).
    int category(int age, int day_type, bool head, double u) const {
        const auto& t = m_tables[index(age, day_type, head)];
        const double x = u * t.rate;
        int c = 0;
        while (c + 1 < m_categories && x >= t.category_cdf[c]) ++c;
        return c;
    }
    /// Time slot of a need of category c for a uniform u in [0, 1).
    int slot(int c, double u) const {
        const auto& cdf = m_slot_cdf[c];
        const double x = u * cdf.back();
        int s = 0;
        while (s + 1 < static_cast<int>(cdf.size()) && x >= cdf[s]) ++s;
        return s;
    }

private:
    struct Table {
        double rate = 0;
        std::vector<double> category_cdf;
        std::array<double, kMaxNeeds + 1> count_cdf{};
    };
    static int index(int age, int day, int head) { return (age * kDayTypes + day) * 2 + head; }

    int m_categories;
    std::array<Table, kAgeGroups * kDayTypes * 2> m_tables;
    std::vector<std::vector<double>> m_slot_cdf;
};

}  // namespace lifecircle
