// dbmate: <version>_<name>.sql holding "-- migrate:up" and "-- migrate:down" sections,
// each optionally "transaction:false". The section markers follow dbmate's own rules:
// at the start of a line, "--", optional blanks, then the marker.
#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

struct Marker {
    bool up = true;
    Line line;
    bool transaction = true; // "transaction:false" among the options
};

// dbmate's rule, (?m)^--\s*migrate:up(\s*$|\s+\S+): "--" at the start of the line,
// optional blanks, the marker, then the end of the line or blanks and options.
std::optional<Marker> marker_at(std::string_view line_text)
{
    if (!starts_with(line_text, "--")) {
        return std::nullopt;
    }
    auto rest = skip_blanks(line_text.substr(2));
    if (!starts_with(rest, "migrate:")) {
        return std::nullopt;
    }
    rest.remove_prefix(8);
    Marker marker;
    marker.up = starts_with(rest, "up");
    if (!marker.up && !starts_with(rest, "down")) {
        return std::nullopt;
    }
    rest.remove_prefix(marker.up ? 2 : 4);
    if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') {
        return std::nullopt; // "migrate:upgrade" is no marker
    }
    // Options are blank-separated key:value words; only transaction:false matters.
    rest = trim_blanks(rest);
    while (!rest.empty()) {
        const auto blank = rest.find_first_of(" \t");
        const auto word = rest.substr(0, blank);
        if (word == "transaction:false") {
            marker.transaction = false;
        }
        rest = blank == std::string_view::npos ? std::string_view{} : skip_blanks(rest.substr(blank));
    }
    return marker;
}

std::vector<Marker> find_markers(std::string_view text)
{
    std::vector<Marker> markers;
    for (const auto& line : split_lines(text)) {
        if (auto marker = marker_at(text.substr(line.begin, line.end - line.begin))) {
            marker->line = line;
            markers.push_back(*marker);
        }
    }
    return markers;
}

} // namespace

bool has_dbmate_marker(std::string_view text)
{
    return !find_markers(text).empty();
}

void read_dbmate(Reading& reading)
{
    for (const auto& entry : reading.entries()) {
        if (entry.depth > 0 || entry.is_directory) {
            if (entry.depth == 0) {
                reading.ignore(entry, "dbmate reads only the files directly in the migrations directory");
            }
            continue;
        }
        const auto match = match_numbered(entry.name, ".sql", true); // dbmate: ^(\d+).*\.sql$
        if (!match) {
            reading.ignore(entry, "not a migration file (<version>_<name>.sql)");
            continue;
        }
        const auto display = reading.display(entry.relative);
        auto version = Version::parse(match->version);
        if (!version) {
            reading.error(file_diagnostic(display, "version " + std::string(match->version) + " is too large"));
            continue;
        }
        const auto text = reading.read_text(entry);
        if (!text) {
            continue;
        }
        const auto markers = find_markers(*text);
        const Marker* up = nullptr;
        const Marker* down = nullptr;
        bool valid = true;
        for (const auto& marker : markers) {
            const Marker*& slot = marker.up ? up : down;
            if (slot != nullptr) {
                reading.error(text_diagnostic(display, *text, marker.line.begin,
                                              std::string("second '-- migrate:") + (marker.up ? "up" : "down") + "' marker",
                                              "A dbmate migration has one up and at most one down section."));
                valid = false;
            } else {
                slot = &marker;
            }
        }
        if (up == nullptr) {
            reading.error(file_diagnostic(display, "missing '-- migrate:up'",
                                          "A dbmate migration starts with a '-- migrate:up' line followed by its "
                                          "SQL, and may end with '-- migrate:down' and the SQL that reverts it."));
            continue;
        }
        if (down != nullptr && down->line.begin < up->line.begin) {
            reading.error(text_diagnostic(display, *text, down->line.begin,
                                          "'-- migrate:down' comes before '-- migrate:up'",
                                          "Put the up section first, as dbmate requires."));
            valid = false;
        }
        // dbmate refuses statements outside the sections; so does lockwise.
        const auto before = scan_comments(*text, 0, up->line.begin);
        if (before.has_code()) {
            reading.error(text_diagnostic(display, *text, before.first_code, "SQL before '-- migrate:up'",
                                          "dbmate runs only what follows '-- migrate:up'; move this SQL below it."));
            valid = false;
        }
        if (!valid) {
            continue;
        }
        auto migration = reading.start_migration(entry, std::move(*version), match->name, Format::dbmate);
        migration.text = *text;
        migration.up_begin = up->line.next;
        migration.up_end = down != nullptr ? down->line.begin : migration.text.size();
        migration.run_in_transaction = up->transaction;
        if (down != nullptr) {
            migration.has_down = true;
            migration.down_path = entry.path;
            migration.down_text = migration.text.substr(down->line.next);
        }
        reading.add(std::move(migration));
    }
}

} // namespace lockwise::catalog
