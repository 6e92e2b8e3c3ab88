package dev.scion.server.contract;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.MultiPartSpecification;
import java.util.List;

/**
 * {@link OpenApiContract#filter()}: requests with a body the validator reads are checked by it in full; multipart
 * requests have their parts checked by {@link MultipartRequestCheck} and their responses by the validator.
 */
final class ContractFilter implements Filter {
    private final Filter full;
    private final Filter responsesOnly;
    private final MultipartRequestCheck multipart;

    ContractFilter(Filter full, Filter responsesOnly, MultipartRequestCheck multipart) {
        this.full = full;
        this.responsesOnly = responsesOnly;
        this.multipart = multipart;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                           FilterContext context) {
        List<MultiPartSpecification> parts = request.getMultiPartParams();
        if (parts.isEmpty()) {
            return full.filter(request, response, context);
        }
        List<String> errors = multipart.violations(request.getMethod(), request.getDerivedPath(), parts);
        if (!errors.isEmpty()) {
            throw new AssertionError("multipart request " + request.getMethod() + " " + request.getDerivedPath()
                    + " breaks api-spec/openapi.yaml:\n  " + String.join("\n  ", errors));
        }
        return responsesOnly.filter(request, response, context);
    }
}
