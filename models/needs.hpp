#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/scenario.hpp"

namespace lifecircle {

/// Daily needs of residents: how many, of which category, in which time slot.
///
/// A resident's needs of a day are Poisson with the sum of its categories' rates for its age
/// group and the day type (household categories count only for the household's head, its
/// first member); each need's (category, slot) is drawn from their joint distribution,
/// rate of the category times the share of its slot profile. Both the count and the
/// (category, slot) pair are one draw from a Walker alias table (Vose's construction): O(1)
/// and free of unpredictable branches, which matters because they run for every resident
/// every day and for every trip.
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
                    t.alias = build_alias(weight, [this](int o) { return (o / m_slots) << 8 | (o % m_slots); });
                    // Poisson(total), truncated at kMaxNeeds (the rest of its mass goes there)
                    std::vector<double> poisson;
                    double p = std::exp(-total), cum = 0;
                    for (int k = 0; k < kMaxNeeds; ++k) {
                        poisson.push_back(p);
                        cum += p;
                        p *= total / (k + 1);
                    }
                    poisson.push_back(std::max(0.0, 1.0 - cum));
                    t.count_alias = build_alias(poisson, [](int o) { return o; });
                }
    }

    /// Expected needs a day for (age group, day type, household head).
    double rate(int age, int day_type, bool head) const { return m_tables[index(age, day_type, head)].rate; }

    /// Number of needs for 32 uniform random bits.
    int count(int age, int day_type, bool head, std::uint32_t bits) const {
        return draw(m_tables[index(age, day_type, head)].count_alias, bits);
    }

    /// Category and time slot of a need for 32 uniform random bits (only for a table whose
    /// rate is positive: with rate 0, count() is always 0).
    struct CategorySlot {
        int category, slot;
    };
    CategorySlot category_slot(int age, int day_type, bool head, std::uint32_t bits) const {
        const int code = draw(m_tables[index(age, day_type, head)].alias, bits);
        return {code >> 8, code & 0xFF};
    }

  private:
    struct Alias;

  public:
    /// The tables of one day type, resolved once a day: each draw is then one multiply and one
    /// table load (no lookup of the table itself). Valid while the model lives.
    class Day {
      public:
        int count(int age, bool head, std::uint32_t bits) const {
            return draw(m_count[age][head], m_count_n[age][head], bits);
        }
        CategorySlot category_slot(int age, bool head, std::uint32_t bits) const {
            const int code = draw(m_cs[age][head], m_cs_n[age][head], bits);
            return {code >> 8, code & 0xFF};
        }

      private:
        friend class NeedModel;
        const Alias* m_count[kAgeGroups][2];
        const Alias* m_cs[kAgeGroups][2];
        std::uint64_t m_count_n[kAgeGroups][2];
        std::uint64_t m_cs_n[kAgeGroups][2];
    };
    Day day(int day_type) const {
        Day out;
        for (int a = 0; a < kAgeGroups; ++a)
            for (int head = 0; head < 2; ++head) {
                const auto& t = m_tables[index(a, day_type, head)];
                out.m_count[a][head] = t.count_alias.data();
                out.m_count_n[a][head] = t.count_alias.size();
                out.m_cs[a][head] = t.alias.data();
                out.m_cs_n[a][head] = t.alias.size();
            }
        return out;
    }

  private:
    /// One column of an alias table: its own outcome when the draw's position within the
    /// column is below `threshold` (in 1/2^32 of the column; 2^32 = always), the other above.
    /// Outcomes are codes: a count, or category << 8 | slot.
    struct Alias {
        std::uint64_t threshold;
        std::int32_t self, other;
    };
    struct Table {
        double rate = 0;
        std::vector<Alias> alias;        ///< (category, slot) codes
        std::vector<Alias> count_alias;  ///< needs a day, 0..kMaxNeeds
    };

    /// The outcome of an alias table for 32 random bits, in integers only: the bits times the
    /// number of columns give the column (high half) and the position in it (low half); one
    /// comparison, selected without a branch (its outcome is unpredictable by design).
    static int draw(const std::vector<Alias>& alias, std::uint32_t bits) {
        return draw(alias.data(), alias.size(), bits);
    }
    static int draw(const Alias* alias, std::uint64_t columns, std::uint32_t bits) {
        const std::uint64_t x = static_cast<std::uint64_t>(bits) * columns;
        const Alias& e = alias[x >> 32];
        const std::int32_t own = -static_cast<std::int32_t>((x & 0xFFFFFFFFULL) < e.threshold);
        return (e.self & own) | (e.other & ~own);
    }
    static int index(int age, int day, int head) { return (age * kDayTypes + day) * 2 + head; }

    /// An alias table over outcomes 0..n-1 with these weights, each outcome o coded as code(o).
    template <class Code>
    static std::vector<Alias> build_alias(const std::vector<double>& weight, Code code) {
        std::vector<Alias> out;
        for (const auto& [threshold, self, other] : build_columns(weight)) {
            // a fraction of the column in units of 2^-32; 2^32 (a whole column) always keeps
            const double units = std::ldexp(std::clamp(threshold, 0.0, 1.0), 32);
            out.push_back({static_cast<std::uint64_t>(std::llround(units)), code(self), code(other)});
        }
        return out;
    }

    struct Column {
        double threshold;
        int self, other;
    };
    static std::vector<Column> build_columns(const std::vector<double>& weight) {
        const std::size_t n = weight.size();
        std::vector<Column> out(n);
        double sum = 0;
        for (double w : weight) sum += w;
        if (n == 0 || !(sum > 0)) {
            for (std::size_t i = 0; i < n; ++i) out[i] = {1.0, static_cast<int>(i), static_cast<int>(i)};
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
            out[s] = {scaled[s], static_cast<int>(s), static_cast<int>(l)};
            scaled[l] -= 1.0 - scaled[s];
            if (scaled[l] < 1.0) {
                large.pop_back();
                small.push_back(l);
            }
        }
        // what is left is 1 up to rounding
        for (auto i : large) out[i] = {1.0, static_cast<int>(i), static_cast<int>(i)};
        for (auto i : small) out[i] = {1.0, static_cast<int>(i), static_cast<int>(i)};
        return out;
    }

    int m_categories, m_slots;
    std::array<Table, kAgeGroups * kDayTypes * 2> m_tables;
};

}  // namespace lifecircle
