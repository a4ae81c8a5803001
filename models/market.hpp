#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/scenario.hpp"
#include "core/work_share.hpp"
#include "core/world.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"

namespace lifecircle {

/// A shop's month, in fen (1/100 yuan), integer so that sums are exact in any order.
struct MonthAccount {
    std::int64_t revenue = 0;  ///< spending of residents at the shop
    std::int64_t gross = 0;    ///< revenue x gross margin
    std::int64_t costs = 0;    ///< rent (less subsidy) + staff + other - operating grant
    std::int64_t profit = 0;   ///< gross - costs
    std::int64_t subsidy = 0;  ///< public money in it: the rent waived, the grants, the night staff paid
    bool loss = false;         ///< gross below breakeven_share x costs
};

/// Hours of the night (22:00-06:00) a facility with these hours is open, 0-8.
double night_hours(double open_hour, double close_hour);
/// Night hours beyond its category's own hours (whose staff its staff_cost_yuan_month pays):
/// those a standing hours rule adds, each costing economics.night_staff_yuan_hour a day.
double extra_night_hours(const Category& c, double open_hour, double close_hour);

/// What public money a shop of category c in a (district, category) slot gets a month: the
/// rent cut (0-1), the operating grant (yuan a month: the district's for the category and the
/// facility's own from a project list) and the share of its night staff cost a standing hours
/// rule pays.
struct Support {
    double rent_cut = 0, grant_yuan = 0, night_share = 0;
};

/// The month's account of a shop of category c with `revenue` fen over a month of `days`
/// days: rent, staff and other costs, and staff for each hour open at night
/// beyond its category's hours (extra_night_hours), less the support that applies to it.
MonthAccount month_account(const Category& c, const EconomicsModel& m, const Facility& f, std::int64_t revenue,
                           const Support& support, int days);

/// A new private shop's monthly costs in district d (fen): fixed costs and night staff at the
/// hours a standing rule gives it, less the district's support for the category.
double entrant_costs_fen(const Scenario& sc, const PlanLevers& levers, std::size_t d, std::size_t c);

/// Whether a category's shops keep accounts at all (public services never close for losses).
inline bool is_commercial(const Category& c) { return c.spend_yuan > 0 && c.gross_margin > 0; }

/// Monthly fixed costs of a shop of category c (rent, staff, other), fen, before subsidies.
std::int64_t fixed_costs_fen(const Category& c);

/// Monthly background exit probability of a shop of age `age_years` (PARAMETERS.md: x1.5 in
/// years 1-3): 1 - (1 - yearly)^(1/12).
double monthly_exit_probability(const Category& c, const EconomicsModel& m, double age_years);

/// What the market did at a month's end.
struct MarketMonth {
    std::vector<std::int64_t> profit;           ///< per facility, fen (0: no account kept)
    std::vector<std::int64_t> openings;         ///< per district
    std::vector<std::int64_t> closures;         ///< per district
    std::vector<std::int64_t> subsidy;          ///< per district: rent waived, grants and night staff paid, fen
    std::vector<std::int64_t> operating;        ///< per district: public and contract operators' costs the plan's
                                                ///< facilities leave to public money (running cost less takings;
                                                ///< deficits covered up to the contract cap), fen
    std::vector<std::int64_t> public_baseline;  ///< per district: the same for facilities there before the plan
    std::vector<std::uint32_t> retender;        ///< public_private facilities whose operator left this month
};

/// The month's accounts of every open facility with spend, from its revenue (fen, per
/// facility), by its operator (core/scenario.hpp Operator): a private shop closes after
/// `loss_months` loss months in a row or on its background exit draw (stream
/// streams::exit(id), draw `month_index`: months since the first simulated one); a public
/// one never closes, its running cost less its takings is public cost (a surplus stays with
/// the service: never below 0); a public_private one
/// has its deficit covered up to the contract cap, and its operator leaves after
/// `contract_months` months above the cap in a row or on its exit draw (listed in `retender`).
/// `days`: the month's days. Writes the profit, the public money and the closures into `out`.
void settle_accounts(World& world, FacilityReach& reach, const PlanLevers& levers,
                     std::span<const std::int64_t> revenue, std::int64_t day, int days, std::uint64_t month_index,
                     MarketMonth& out);

/// New housing's commercial floor among the entry sites, as a checkpoint keeps it.
struct FloorSite {
    std::uint32_t district = 0, node = 0;
    float floor_left = 0;  ///< m2 not yet let
};

/// Where would-be entrants look: for each district, up to `economics.entry_sites` of its
/// candidate sites (all of them, or an even sample in node order) with the residential nodes
/// within a working-age walk of each, their walking distances and the Huff distance term
/// max(d, 25 m)^-b of each distinct decay b. Computed once per district (the network never
/// changes during a run).
class EntrySites {
  public:
    struct Site {
        std::uint32_t node = 0;
        std::vector<std::uint32_t> homes;  ///< residential nodes within the walk
        std::vector<float> distance;       ///< their walking distances, metres
        std::vector<float> decayed;        ///< [home x decay class]: max(distance, 25)^-b
        float floor_left = -1;             ///< a new housing's commercial floor not yet let, m2 (-1: no limit)
    };
    std::vector<Site>& of(const World& world, std::size_t d);
    /// New housing's commercial floor in district d (models/policy new_housing): a site at
    /// `node` with `floor_m2` to let, which entrants fill on expected profit like any other.
    void add_floor(const World& world, std::size_t d, std::uint32_t node, float floor_m2);
    /// District d's commercial floor sites (those with floor left and those let in full).
    std::vector<Site>& floor(std::size_t d) { return m_floor.at(d); }
    const std::vector<Site>& floor(std::size_t d) const { return m_floor.at(d); }
    std::size_t districts() const { return m_floor.size(); }
    /// A site at `node`: its homes within a working-age walk, their distances and decays.
    Site site_at(const World& world, std::uint32_t node);
    /// Category c's decay class (an index into each site's `decayed` rows).
    std::size_t decay_class(std::size_t c) const { return m_class[c]; }
    /// The commercial categories (is_commercial), in order.
    const std::vector<std::size_t>& commercial() const { return m_commercial; }
    /// A new shop's floor area in its Huff weight: max(1, category c's floor_area_m2), m2.
    double area(std::size_t c) const { return m_area[c]; }

  private:
    void prepare(const Scenario& sc);
    std::vector<std::vector<Site>> m_sites;
    std::vector<std::vector<Site>> m_floor;  ///< per district
    std::vector<std::uint8_t> m_done;
    std::vector<double> m_decays;      ///< distinct decays, in order of first use
    std::vector<std::size_t> m_class;  ///< per category
    std::vector<std::size_t> m_commercial;
    std::vector<double> m_area;  ///< per category
};

/// What residents at each node bring a new shop: per node, this month's needs of each
/// category (the district's needs per resident x residents there) and the share using the
/// living-circle map app.
struct EntryDemand {
    std::vector<double> residents;   ///< per node
    std::vector<float> app_share;    ///< per node
    std::vector<double> needs_rate;  ///< per (district, category): this month's needs per resident
};
EntryDemand entry_demand(const World& world, std::span<const std::int64_t> needs);

/// The month's revenue (fen) a new shop of each commercial category (0 for the others) would
/// expect at `site`, from the choice model itself: at each home node in its walk, the needs
/// there times the Huff share the shop would take among the incumbents of `cache` (its weight
/// over theirs plus its own: for map-app users among all candidates, for the others only if it
/// is among the nearest two), times spend. One pass over the site's homes for all categories
/// (a node's cache blocks are adjacent).
std::vector<double> expected_revenues(const World& world, const ChoiceCache& cache, const EntryDemand& demand,
                                      const EntrySites& sites, const EntrySites::Site& site,
                                      std::span<const std::int64_t> spend_fen);

/// The month's revenue (fen) a new shop of category c would expect at `site` if the new shops
/// of c at `rivals` opened with it (a project list's other sites of the category): as
/// expected_revenues, with the rivals' weights added to the incumbents' at each home node (for
/// map-app users), and the nearest rival taking the place of a farther incumbent among the
/// nearest two (for the others).
double expected_revenue_among(const World& world, const ChoiceCache& cache, const EntryDemand& demand,
                              const EntrySites& sites, const EntrySites::Site& site,
                              const std::vector<const EntrySites::Site*>& rivals, std::size_t c,
                              std::int64_t spend_fen);

/// Market entry: in each district and commercial category run privately, would-be entrants price the
/// district's entry sites by expected profit (expected revenue x margin - fixed costs after
/// the district's subsidies) and one shop opens tomorrow at the best of them with probability
/// 1 - exp(-entry_rate x profit / fixed costs) (stream streams::entry(d, c), draw
/// `month_index`). All (district, category) pairs decide on the same month's market; the
/// decisions do not depend on the threads. Counts the openings into `out`. Over several
/// processes (`share`), each prices its share of the sites and every process gets each pair's
/// best site (the earliest of equal profits, as one process finds it).
void enter_market(World& world, FacilityReach& reach, EntrySites& sites, const ChoiceCache& cache,
                  const PlanLevers& levers, std::span<const std::int64_t> needs,
                  std::span<const std::int64_t> spend_fen, std::int64_t day, std::uint64_t month_index,
                  MarketMonth& out, const WorkShare& share = {});

/// Crowding factor of each facility for next month's choices, from this month's visits:
/// 1 / (1 + max(0, visits / capacity - 1)), capacity = floor area x capacity_visits_per_m2.
void update_crowding(const World& world, std::span<const std::int64_t> visits, std::vector<float>& crowding);

}  // namespace lifecircle
