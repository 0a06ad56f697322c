// dbmate: <version>_<name>.sql holding "-- migrate:up" and "-- migrate:down" sections,
// each optionally "transaction:false". The section markers follow dbmate's own rules:
// at the start of a line, "--", optional blanks, then the marker.
#include <regex>

#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

// dbmate: (?m)^--\s*migrate:up(\s*$|\s+\S+) and the same for down.
const std::regex& marker_pattern()
{
    static const std::regex k_marker(R"(^--[ \t]*migrate:(up|down)([ \t].*)?$)");
    return k_marker;
}

struct Marker {
    bool up = true;
    Line line;
    bool transaction = true; // "transaction:false" among the options
};

std::vector<Marker> find_markers(std::string_view text)
{
    std::vector<Marker> markers;
    for (const auto& line : split_lines(text)) {
        const std::string content(text.substr(line.begin, line.end - line.begin));
        std::smatch match;
        if (!std::regex_match(content, match, marker_pattern())) {
            continue;
        }
        Marker marker;
        marker.up = match[1] == "up";
        marker.line = line;
        static const std::regex k_option(R"(([A-Za-z_]+):([A-Za-z0-9_]+))");
        const auto options = match[2].str();
        for (std::sregex_iterator it(options.begin(), options.end(), k_option), end; it != end; ++it) {
            if ((*it)[1] == "transaction" && (*it)[2] == "false") {
                marker.transaction = false;
            }
        }
        markers.push_back(marker);
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
    static const std::regex k_file(R"(^([0-9]+)_?(.*)\.sql$)");
    for (const auto& entry : reading.entries()) {
        if (entry.depth > 0 || entry.is_directory) {
            if (entry.depth == 0) {
                reading.ignore(entry, "dbmate reads only the files directly in the migrations directory");
            }
            continue;
        }
        std::smatch match;
        if (!std::regex_match(entry.name, match, k_file)) {
            reading.ignore(entry, "not a migration file (<version>_<name>.sql)");
            continue;
        }
        const auto display = reading.display(entry.relative);
        auto version = Version::parse(match[1].str());
        if (!version) {
            reading.error(file_diagnostic(display, "version " + match[1].str() + " is too large"));
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
        auto migration = reading.start_migration(entry, std::move(*version), match[2].str(), Format::dbmate);
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
