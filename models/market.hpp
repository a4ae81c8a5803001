#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"

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
MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f, std::int64_t revenue,
                           double rent_cut, double grant_yuan);

/// Whether a category's shops keep accounts at all (public services never close for losses).
inline bool is_commercial(const Category& c) { return c.spend_yuan > 0 && c.gross_margin > 0; }

/// Monthly fixed costs of a shop of category c (rent, staff, other), fen, before subsidies.
std::int64_t fixed_costs_fen(const Category& c);

/// Monthly background exit probability of a shop of age `age_years` (PARAMETERS.md: x1.5 in
/// years 1-3): 1 - (1 - yearly)^(1/12).
double monthly_exit_probability(const Category& c, const EconomicsModel& m, double age_years);

/// What the market did at a month's end.
struct MarketMonth {
    std::vector<std::int64_t> profit;    ///< per facility, fen (0: no account kept)
    std::vector<std::int64_t> openings;  ///< per district
    std::vector<std::int64_t> closures;  ///< per district
};

/// The month's accounts of every open commercial shop, from its revenue (fen, per facility);
/// a shop closes after `loss_months` loss months in a row or on its background exit draw
/// (stream streams::exit(id), draw `month_index`: months since the first simulated one).
/// Writes the profit and the closures into `out`.
void settle_accounts(World& world, FacilityReach& reach, const PlanLevers& levers,
                     std::span<const std::int64_t> revenue, std::int64_t day, std::uint64_t month_index,
                     MarketMonth& out);

/// Market entry: in each district and commercial category, one new shop opens (tomorrow, at
/// the best site) when the month's needs that went unserved locally in hours a new shop
/// keeps (`lost_open`, [district x category]) would have given it a gross margin of at
/// least entry_margin x its fixed costs after subsidies. Counts the openings into `out`.
void enter_market(World& world, FacilityReach& reach, SiteChooser& sites, const PlanLevers& levers,
                  std::span<const std::int64_t> lost_open, std::span<const std::int64_t> spend_fen, std::int64_t day,
                  MarketMonth& out);

/// Crowding factor of each facility for next month's choices, from this month's visits:
/// 1 / (1 + max(0, visits / capacity - 1)), capacity = floor area x capacity_visits_per_m2.
void update_crowding(const World& world, std::span<const std::int64_t> visits, std::vector<float>& crowding);

}  // namespace lifecircle
