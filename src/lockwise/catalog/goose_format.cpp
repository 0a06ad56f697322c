// goose: <version>_<name>.sql with "-- +goose Up" / "-- +goose Down" sections,
// StatementBegin/StatementEnd around statements holding semicolons, and
// "-- +goose NO TRANSACTION" for the whole file. Go migrations are code, not SQL.
#include <algorithm>

#include "lockwise/catalog/comment_scanner.hpp"
#include "lockwise/catalog/diagnostic.hpp"
#include "lockwise/catalog/file_names.hpp"
#include "lockwise/catalog/reader.hpp"

namespace lockwise::catalog {

namespace {

enum class Annotation { up, down, statement_begin, statement_end, no_transaction, envsub_on, envsub_off, unknown };

struct AnnotationLine {
    Annotation kind = Annotation::unknown;
    Line line;
    std::string command; // as written, for messages
};

// goose: annotations are lines "-- +goose <command>", the command case-insensitive.
std::vector<AnnotationLine> find_annotations(std::string_view text)
{
    std::vector<AnnotationLine> annotations;
    for (const auto& line : split_lines(text)) {
        const auto content = text.substr(line.begin, line.end - line.begin);
        if (!starts_with(content, "--")) {
            continue;
        }
        const auto after_dashes = skip_blanks(content.substr(2));
        if (!starts_with(after_dashes, "+goose")) {
            continue;
        }
        const auto after_goose = after_dashes.substr(6);
        if (after_goose.empty() || (after_goose.front() != ' ' && after_goose.front() != '\t')) {
            continue;
        }
        AnnotationLine annotation;
        annotation.line = line;
        annotation.command = std::string(trim_blanks(after_goose));
        // Case-insensitive, blanks between words collapsed: "NO  TRANSACTION" == "no transaction".
        std::string command;
        for (const char c : annotation.command) {
            const bool blank = c == ' ' || c == '\t';
            if (blank && !command.empty() && command.back() == ' ') {
                continue;
            }
            command += blank ? ' ' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        if (command == "up") {
            annotation.kind = Annotation::up;
        } else if (command == "down") {
            annotation.kind = Annotation::down;
        } else if (command == "statementbegin") {
            annotation.kind = Annotation::statement_begin;
        } else if (command == "statementend") {
            annotation.kind = Annotation::statement_end;
        } else if (command == "no transaction") {
            annotation.kind = Annotation::no_transaction;
        } else if (command == "envsub on") {
            annotation.kind = Annotation::envsub_on;
        } else if (command == "envsub off") {
            annotation.kind = Annotation::envsub_off;
        }
        annotations.push_back(annotation);
    }
    return annotations;
}

} // namespace

bool has_goose_marker(std::string_view text)
{
    const auto annotations = find_annotations(text);
    return std::any_of(annotations.begin(), annotations.end(),
                       [](const AnnotationLine& a) { return a.kind == Annotation::up; });
}

void read_goose(Reading& reading)
{
    for (const auto& entry : reading.entries()) {
        if (entry.depth > 0 || entry.is_directory) {
            if (entry.depth == 0) {
                reading.ignore(entry, "goose reads only the files directly in the migrations directory");
            }
            continue;
        }
        const auto display = reading.display(entry.relative);
        const bool is_go = ends_with(entry.name, ".go");
        const auto match = match_numbered(entry.name, is_go ? ".go" : ".sql");
        if (!match) {
            if (leading_digits(entry.name) > 0 && (is_go || ends_with(entry.name, ".sql"))) {
                reading.error(file_diagnostic(display, "missing '_' between the version and the name",
                                              "Name goose migrations <version>_<name>.sql, e.g. 00001_create_users.sql."));
            } else {
                reading.ignore(entry, "not a migration file (<version>_<name>.sql)");
            }
            continue;
        }
        if (is_go) {
            reading.error(file_diagnostic(display, "goose Go migrations are not supported",
                                          "A .go migration is Go code that only goose can run; lockwise runs SQL. "
                                          "Rewrite it as <version>_<name>.sql, or keep applying this history with goose."));
            continue;
        }
        auto version = Version::parse(match->version);
        if (!version || version->parts[0] == 0) {
            reading.error(file_diagnostic(display, "invalid goose version " + std::string(match->version),
                                          "goose versions are integers greater than zero that fit in 64 bits."));
            continue;
        }
        const auto text = reading.read_text(entry);
        if (!text) {
            continue;
        }
        const AnnotationLine* up = nullptr;
        const AnnotationLine* down = nullptr;
        const AnnotationLine* open_statement = nullptr;
        bool no_transaction = false;
        bool valid = true;
        const auto fail = [&](std::size_t offset, std::string message, std::string hint) {
            reading.error(text_diagnostic(display, *text, offset, std::move(message), std::move(hint)));
            valid = false;
        };
        const auto annotations = find_annotations(*text);
        for (const auto& annotation : annotations) {
            const auto offset = annotation.line.begin;
            switch (annotation.kind) {
            case Annotation::up:
            case Annotation::down: {
                const bool is_up = annotation.kind == Annotation::up;
                if ((is_up && up != nullptr) || (!is_up && down != nullptr)) {
                    fail(offset, "second '-- +goose " + annotation.command + "'",
                         "A goose migration has one Up and at most one Down section.");
                } else if (!is_up && up == nullptr) {
                    fail(offset, "'-- +goose Down' before '-- +goose Up'", "Put the Up section first, as goose requires.");
                } else if (open_statement != nullptr) {
                    fail(open_statement->line.begin, "'-- +goose StatementBegin' without a StatementEnd",
                         "Close the statement with '-- +goose StatementEnd' before the next section.");
                    open_statement = nullptr;
                }
                (is_up ? up : down) = &annotation;
                break;
            }
            case Annotation::statement_begin:
                if (open_statement != nullptr) {
                    fail(offset, "nested '-- +goose StatementBegin'",
                         "End the previous statement with '-- +goose StatementEnd' first.");
                }
                open_statement = &annotation;
                break;
            case Annotation::statement_end:
                if (open_statement == nullptr) {
                    fail(offset, "'-- +goose StatementEnd' without a StatementBegin",
                         "Add '-- +goose StatementBegin' before the statement, or remove this line.");
                }
                open_statement = nullptr;
                break;
            case Annotation::no_transaction:
                no_transaction = true;
                break;
            case Annotation::envsub_on:
                fail(offset, "goose ENVSUB is not supported",
                     "goose replaces ${VAR} with environment variables when ENVSUB is on; lockwise runs the SQL "
                     "as written. Write the values into the migration, or keep applying it with goose.");
                break;
            case Annotation::envsub_off:
                break;
            case Annotation::unknown:
                fail(offset, "unknown goose annotation '" + annotation.command + "'",
                     "goose annotations are Up, Down, StatementBegin, StatementEnd, NO TRANSACTION and ENVSUB ON/OFF.");
                break;
            }
        }
        if (open_statement != nullptr) {
            fail(open_statement->line.begin, "'-- +goose StatementBegin' without a StatementEnd",
                 "Close the statement with '-- +goose StatementEnd'.");
        }
        if (up == nullptr) {
            reading.error(file_diagnostic(display, "missing '-- +goose Up'",
                                          "goose migrations start with a '-- +goose Up' line followed by the SQL; "
                                          "'-- +goose Down' and the SQL that reverts it may follow."));
            continue;
        }
        const auto before = scan_comments(*text, 0, up->line.begin);
        if (before.has_code()) {
            fail(before.first_code, "SQL before '-- +goose Up'",
                 "goose runs only what follows '-- +goose Up'; move this SQL below it.");
        }
        if (!valid) {
            continue;
        }
        auto migration = reading.start_migration(entry, std::move(*version), match->name, Format::goose);
        migration.text = *text;
        migration.up_begin = up->line.next;
        migration.up_end = down != nullptr ? down->line.begin : migration.text.size();
        migration.run_in_transaction = !no_transaction;
        if (down != nullptr) {
            migration.has_down = true;
            migration.down_path = entry.path;
            migration.down_text = migration.text.substr(down->line.next);
        }
        reading.add(std::move(migration));
    }
}

} // namespace lockwise::catalog
