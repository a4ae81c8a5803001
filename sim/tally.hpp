#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace lifecircle {

/// Integer tallies of the day loop (one per thread, summed at the month's end): integer so
/// that summed in any order they give the same totals. [district x category] rows follow
/// district_category().
struct Tally {
    std::vector<std::int64_t> visits, revenue;           ///< per facility (revenue in fen)
    std::vector<std::int64_t> needs, served, delivered;  ///< per district x category
    std::vector<std::int64_t> unmet;
    std::vector<std::int64_t> night_needs, night_served, night_delivered;  ///< per district
    std::vector<std::int64_t> walk;      ///< per district: walking time of served trips, 1/10 minute
    std::vector<std::int64_t> within15;  ///< per district: served trips of a 15-minute walk or less
    std::vector<std::int64_t> orders;    ///< per district x kSlots: delivery orders placed (carried or not)

    static constexpr std::size_t kSlots = 16;  ///< time slots a scenario may define

    using Column = std::vector<std::int64_t> Tally::*;
    enum class Rows { facility, district_category, district, district_slot };
    struct Named {
        const char* name;
        Column column;
        Rows rows;
    };
    /// Every column with its name (checkpoints store them by name) and what its rows are.
    static constexpr std::array<Named, 12> kColumns{{
        {"visits", &Tally::visits, Rows::facility},
        {"revenue", &Tally::revenue, Rows::facility},
        {"needs", &Tally::needs, Rows::district_category},
        {"served", &Tally::served, Rows::district_category},
        {"delivered", &Tally::delivered, Rows::district_category},
        {"unmet", &Tally::unmet, Rows::district_category},
        {"night_needs", &Tally::night_needs, Rows::district},
        {"night_served", &Tally::night_served, Rows::district},
        {"night_delivered", &Tally::night_delivered, Rows::district},
        {"walk", &Tally::walk, Rows::district},
        {"within15", &Tally::within15, Rows::district},
        {"orders", &Tally::orders, Rows::district_slot},
    }};

    void resize(std::size_t facilities, std::size_t districts, std::size_t categories) {
        for (const auto& c : kColumns) {
            const std::size_t n = c.rows == Rows::facility            ? facilities
                                  : c.rows == Rows::district_category ? districts * categories
                                  : c.rows == Rows::district_slot     ? districts * kSlots
                                                                      : districts;
            (this->*c.column).resize(n, 0);
        }
    }
    template <class F>
    void each_column(F&& f) {
        for (const auto& c : kColumns) f(c.column);
    }
    void clear() {
        each_column([&](Column c) { std::fill((this->*c).begin(), (this->*c).end(), 0); });
    }
    void add(const Tally& o) {
        each_column([&](Column c) {
            auto& a = this->*c;
            const auto& b = o.*c;
            if (a.size() < b.size()) a.resize(b.size(), 0);
            for (std::size_t i = 0; i < b.size(); ++i) a[i] += b[i];
        });
    }
};

/// Each resident's month so far (the day loop writes a resident's entries from one thread
/// only: its own block of residents).
struct ResidentTally {
    std::vector<std::uint16_t> needs, unmet, night_unmet;

    void resize(std::size_t n) {
        needs.resize(n, 0);
        unmet.resize(n, 0);
        night_unmet.resize(n, 0);
    }
    void clear() {
        std::fill(needs.begin(), needs.end(), 0);
        std::fill(unmet.begin(), unmet.end(), 0);
        std::fill(night_unmet.begin(), night_unmet.end(), 0);
    }
};

}  // namespace lifecircle
