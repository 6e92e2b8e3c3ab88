package dev.scion.server.contract;

import com.atlassian.oai.validator.report.ValidationReport;
import java.util.List;

/** The error-level messages of a validation report, one readable line each (nested causes included). */
final class ValidationMessages {

    private ValidationMessages() {}

    static List<String> errors(ValidationReport report) {
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> m.getKey() + ": " + m.getMessage()
                        + (m.getNestedMessages().isEmpty() ? "" : " " + m.getNestedMessages().stream()
                        .map(ValidationReport.Message::getMessage).toList()))
                .toList();
    }
}
