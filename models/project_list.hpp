#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/work_share.hpp"
#include "core/world.hpp"
#include "models/facility_reach.hpp"

namespace lifecircle {

/// One project of a district's project list (一图一清单): a facility of a category at a site,
/// drawn from the district's gaps on the list's date, opened on its own date. A results
/// table (/projects) and the run's queue of openings to come (facility < 0).
struct Project {
    std::int32_t district = 0, category = 0;
    std::int32_t list = 0;       ///< the list's number in the run (0, 1, ...: one a circle_plan event; -1: a re-tender)
    std::int32_t round = 1;      ///< 1: the district's first list, 2: its second...
    std::int32_t rank = 1;       ///< 1 = the category's site that adds the most
    std::uint32_t site = 0;      ///< network node
    double x = 0, y = 0;         ///< the site, metres in the town's frame
    std::uint8_t idle = 0;       ///< 1: at one of the district's idle public sites
    std::int64_t gain = 0;       ///< users newly inside their ring, as drawn
    double in_ring = 0;          ///< the category's users inside their ring before the list
    double in_ring_after = 0;    ///< with the list's sites so far
    double cost_yuan = 0;        ///< fit-out (fitout_yuan_m2 x floor area)
    std::uint8_t exact = 0;      ///< 1: sited by the exact covering (HiGHS), 0: greedy
    double gap = 0;              ///< the exact solver's proven optimality gap (0: optimal)
    std::int32_t drawn_day = 0;  ///< the list's date, days since 1970-01-01
    std::int32_t open_day = 0;   ///< when the project opens, days since 1970-01-01
    std::int32_t facility = -1;  ///< the facility it opened, -1 not yet
    std::uint8_t operator_ = 0;  ///< Operator: who runs it
    std::uint8_t origin = 1;     ///< FacilityOrigin of what it opens (planned; a re-tender keeps the site's)
    double expected_profit_yuan =
        0;  ///< a private project's expected monthly profit as drawn (the market's entry estimate)
    double support_yuan_month = 0;  ///< the operating grant the list gives it to break even (public cost)
};

/// What a list is asked for (a circle_plan event's options).
struct ListRequest {
    std::size_t district = 0;
    double target = 0.9;                           ///< ring coverage a category's users should reach
    std::optional<double> budget_yuan;             ///< the list's fit-out budget; none: no limit
    std::string method = "exact";                  ///< "exact" (HiGHS) or "greedy" covering
    std::uint64_t categories = ~std::uint64_t{0};  ///< the categories the list may cover (bit c), by circle class
};

/// Sites a category may get in one list (a bound on the search, not a target).
inline constexpr int kMaxListSites = 8;

/// One district's project list from its gaps now (docs/model.md, "Project lists"): for each
/// category whose users (the age groups that make its trips) are inside their ring (each at
/// their own walking pace) less often than `target` (basic categories first, the worst
/// first; then the others), the fewest sites that bring it to the target by maximal covering
/// (at most kMaxListSites and what the budget affords): the district's idle public sites
/// first, then its candidate sites. `members`: the district's residents; `earlier`: the
/// district's projects of earlier lists (those not yet opened count as built; their idle sites
/// are taken). Rows in list order, their dates and ids unset. Over several processes
/// (`share`), each solves its share of the categories' candidate-site problems (those solved
/// in parallel: without a budget) and every process gets every category's sites.
std::vector<Project> draw_project_list(const World& world, const FacilityReach& reach,
                                       const std::vector<std::uint32_t>& members, const ListRequest& request,
                                       const std::vector<Project>& earlier, const WorkShare& share = {});

/// The list's opening dates: one project after another over `months` months from the list's
/// date (the k-th of n on the first day of the month k x months / n after it, the first on
/// the date itself).
void phase_projects(std::vector<Project>& projects, const Date& drawn, int months);

}  // namespace lifecircle
