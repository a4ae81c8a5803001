#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/coverage.hpp"
#include "core/reach_table.hpp"
#include "core/work_share.hpp"
#include "core/world.hpp"

namespace lifecircle {

/// Per category, the reach table of the facilities that serve it (primary or added
/// category), kept up to date as facilities open and close during a run, and which
/// categories' choice caches that made stale.
class FacilityReach {
  public:
    FacilityReach() = default;
    /// Tables of the `k` nearest facilities within `radius` metres of every node, for every
    /// facility of the world (in facility order).
    FacilityReach(const World& world, int k, double radius);
    /// The reach as it was when facilities(c) listed `order[c]` (world facility ids in table
    /// order, e.g. from a checkpoint): tables over those facilities, the closed ones closed.
    /// Equal to the reach that the openings and closings built (ReachTable's results do not
    /// depend on how it was built, only on its facilities' order and states).
    FacilityReach(const World& world, int k, double radius, const std::vector<std::vector<std::uint32_t>>& order);

    std::size_t num_categories() const { return m_tables.size(); }
    const ReachTable& table(std::size_t c) const { return m_tables[c]; }
    /// World facility id of each of category c's table entries.
    const std::vector<std::uint32_t>& facilities(std::size_t c) const { return m_facility[c]; }
    /// Distance from `node` to the nearest open facility of category c, metres (+inf: none
    /// within the radius).
    double nearest(std::size_t c, std::uint32_t node) const { return m_tables[c].distance(node, 0); }

    /// Adds world facility `id` to the table of category c.
    void add(const World& world, std::uint32_t id, std::size_t c);
    /// Adds world facilities `ids` to the tables of the categories each serves: the tables and
    /// changed rows that add() on each in turn gives (a table's openings in the order given),
    /// the categories' tables in parallel.
    void add_all(const World& world, std::span<const std::uint32_t> ids);
    /// Removes world facility `id` from the tables of the categories it serves.
    void remove(const Facility& f, std::uint32_t id);
    /// Removes world facilities `ids` from the tables of the categories each serves: the tables
    /// and changed rows that remove() on each in turn gives (a table's closings in the order
    /// given), the categories' tables in parallel. Over several processes (divide()), each
    /// recomputes the tables of its share of the categories and every process gets the rows
    /// they changed, exactly.
    void remove_all(const World& world, std::span<const std::uint32_t> ids);
    /// Divides remove_all's work over the processes of `share` (MPI ranks that each hold the
    /// whole world and call remove_all at the same points with the same facilities).
    void divide(const WorkShare& share) { m_share = share; }
    /// Marks the categories `f` serves as changed (opened, closed, other hours).
    void touch(const Facility& f);

    /// Whether category c changed since the last clear_changed().
    bool changed(std::size_t c) const { return m_changed[c] != 0; }
    /// Whether what changed in category c may concern any node (a facility's hours or
    /// categories touched, or everything marked), not only changed_nodes(c).
    bool changed_everywhere(std::size_t c) const { return m_everywhere[c] != 0; }
    /// The nodes whose table rows of category c openings and closings may have changed since
    /// the last clear_changed() (unsorted, with repeats); meaningful unless changed_everywhere(c).
    const std::vector<std::uint32_t>& changed_nodes(std::size_t c) const { return m_nodes[c]; }
    void mark_all_changed() {
        std::fill(m_changed.begin(), m_changed.end(), 1);
        std::fill(m_everywhere.begin(), m_everywhere.end(), 1);
    }
    void clear_changed();

  private:
    static std::uint64_t key(std::uint32_t f, std::size_t c) { return (std::uint64_t{f} << 8) | c; }

    std::vector<ReachTable> m_tables;
    std::vector<std::vector<std::uint32_t>> m_facility;
    std::unordered_map<std::uint64_t, std::uint32_t> m_local;  ///< (facility, category) -> table entry
    std::vector<std::uint8_t> m_changed;                       ///< per category
    std::vector<std::uint8_t> m_everywhere;                    ///< per category: changed_everywhere
    std::vector<std::vector<std::uint32_t>> m_nodes;           ///< per category: changed_nodes
    /// Notes the rows of category c that its table's last open()/close() touched.
    void note_update(std::size_t c);
    /// Gives every process the rows of the categories other processes closed facilities in
    /// (`closing`: per category, the table entries closed; `touched`: the rows each changed).
    void share_closings(const std::vector<std::vector<std::uint32_t>>& closing, const std::vector<std::uint8_t>& mine,
                        std::vector<std::vector<std::uint32_t>>& touched);
    WorkShare m_share;
};

/// Opens a new facility on day `day` (days since 1970-01-01): sets its open slots, adds it to
/// the world and to the reach of the categories it serves. Returns its id.
std::uint32_t open_facility(World& world, FacilityReach& reach, Facility f, std::int64_t day);

/// Opens new facilities on day `day`, as open_facility on each in turn would (the same ids, in
/// order), their reach updated a category's table at a time in parallel (FacilityReach::add_all).
/// Returns the first one's id.
std::uint32_t open_facilities(World& world, FacilityReach& reach, std::span<const Facility> facilities,
                              std::int64_t day);

/// Closes an open facility on day `day` and takes it out of the reach tables.
void close_facility(World& world, FacilityReach& reach, std::uint32_t id, std::int64_t day);
/// Closes open facilities on day `day` (those not open are left), as close_facility on each in
/// turn would, their reach updated a category's table at a time in parallel (FacilityReach::remove_all).
void close_facilities(World& world, FacilityReach& reach, std::span<const std::uint32_t> ids, std::int64_t day);

/// Where new facilities go: the candidate site of a district that brings the most residents
/// not yet inside a category's ring (at working-age speed) inside it; greedy maximal coverage,
/// ties to the lower node. Caches each district's candidates' balls (the network never
/// changes during a run).
class SiteChooser {
  public:
    std::uint32_t best_site(const World& world, const FacilityReach& reach, std::size_t d, std::size_t c,
                            const std::vector<std::int64_t>& residents_per_node);

  private:
    std::map<std::pair<std::size_t, double>, SiteBalls> m_balls;  ///< (district, ring) -> balls
};

}  // namespace lifecircle
