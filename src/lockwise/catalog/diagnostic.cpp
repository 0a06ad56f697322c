// Catalog diagnostics and their rendering, which reuses core::render_diagnostic so a
// catalog error looks exactly like a parse or lint error.
#include "lockwise/catalog/diagnostic.hpp"

#include "lockwise/core/source_location.hpp"

namespace lockwise::catalog {

Diagnostic file_diagnostic(std::string file, std::string message, std::string hint)
{
    Diagnostic diagnostic;
    diagnostic.file = std::move(file);
    diagnostic.message = std::move(message);
    diagnostic.hint = std::move(hint);
    return diagnostic;
}

Diagnostic text_diagnostic(std::string file, std::string_view text, std::size_t offset,
                           std::string message, std::string hint)
{
    Diagnostic diagnostic = file_diagnostic(std::move(file), std::move(message), std::move(hint));
    const auto position = core::line_column_at(text, offset);
    diagnostic.offset = offset;
    diagnostic.line = position.line;
    diagnostic.column = position.column;
    diagnostic.source_line = std::string(core::source_line(text, position.line));
    return diagnostic;
}

std::string render(const Diagnostic& diagnostic, std::string_view severity)
{
    if (diagnostic.line <= 0) {
        std::string out = diagnostic.file + ": " + std::string(severity) + ": " + diagnostic.message + "\n";
        if (!diagnostic.hint.empty()) {
            out += "  hint: " + diagnostic.hint + "\n";
        }
        return out;
    }
    // The diagnostic keeps only its own line, not the file: rebuild a text in which that
    // line sits at the same line number, so render_diagnostic computes the same position.
    const auto line_index = static_cast<std::size_t>(diagnostic.line - 1);
    std::string text(line_index, '\n');
    text += diagnostic.source_line;
    const auto column_index = static_cast<std::size_t>(diagnostic.column > 0 ? diagnostic.column - 1 : 0);
    return core::render_diagnostic(diagnostic.file, text, line_index + column_index, severity,
                                   diagnostic.message, diagnostic.hint);
}

} // namespace lockwise::catalog
