#pragma once

#include <cstdint>

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace lifecircle {

/// A shop's month, in fen (1/100 yuan), integer so that sums are exact in any order.
struct MonthAccount {
    std::int64_t revenue = 0;  ///< spending of residents at the shop
    std::int64_t gross = 0;    ///< revenue x gross margin
    std::int64_t costs = 0;    ///< rent (less subsidy) + staff + other - operating grant
    std::int64_t profit = 0;   ///< gross - costs
    bool loss = false;         ///< gross below breakeven_share x costs
};

/// The month's account of a shop of category c with `revenue` fen, given the rent cut (0-1)
/// and operating grant (yuan a month) that apply to it.
MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f,
                           std::int64_t revenue, double rent_cut, double grant_yuan);

/// Whether a category's shops keep accounts at all (public services never close for losses).
inline bool is_commercial(const Category& c) { return c.spend_yuan > 0 && c.gross_margin > 0; }

/// Monthly fixed costs of a shop of category c (rent, staff, other), fen, before subsidies.
std::int64_t fixed_costs_fen(const Category& c);

/// Monthly background exit probability of a shop of age `age_years` (PARAMETERS.md: x1.5 in
/// years 1-3): 1 - (1 - yearly)^(1/12).
double monthly_exit_probability(const Category& c, const EconomicsModel& m, double age_years);

}  // namespace lifecircle
