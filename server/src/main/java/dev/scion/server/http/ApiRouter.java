package dev.scion.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.constrain.Constraint;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.TemplateException;
import dev.scion.server.ServingModel;
import dev.scion.server.adapters.ModelTarget;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.api.ChatCompletionRequest;
import dev.scion.server.api.CompletionRequest;
import dev.scion.server.api.DetokenizeRequest;
import dev.scion.server.api.ModelCard;
import dev.scion.server.api.OpenAiJson;
import dev.scion.server.api.TokenizeRequest;
import dev.scion.server.api.toolcalls.ToolCallFormat;
import dev.scion.server.config.ServerConfig;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.ServiceException;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: routes with method-reference handlers, bearer-key auth, body limits, and every
 * failure answered in OpenAI's error shape. Handlers parse and validate on the event loop, render
 * and tokenize prompts on worker threads, and leave all model work to the engine loop.
 */
public final class ApiRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Map<String, String> ALLOWED_METHODS = java.util.Map.ofEntries(
            java.util.Map.entry("/v1/chat/completions", "POST"), java.util.Map.entry("/v1/completions", "POST"),
            java.util.Map.entry("/v1/embeddings", "POST"), java.util.Map.entry("/tokenize", "POST"),
            java.util.Map.entry("/detokenize", "POST"), java.util.Map.entry("/v1/models", "GET"),
            java.util.Map.entry("/health", "GET"), java.util.Map.entry("/ready", "GET"),
            java.util.Map.entry("/metrics", "GET"), java.util.Map.entry("/v1/files", "GET, POST"),
            java.util.Map.entry("/v1/fine_tuning/jobs", "GET, POST"));

    private final Vertx vertx;
    private final ServingModel serving;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final BoundedBody bodies;
    private final ModelRequests models;

    ApiRouter(Vertx vertx, ServingModel serving, ServerConfig config, ServerMetrics metrics, ConnectionGuard guard) {
        this.vertx = vertx;
        this.serving = serving;
        this.config = config;
        this.metrics = metrics;
        this.bodies = new BoundedBody(vertx, guard, metrics);
        this.models = new ModelRequests(vertx, serving);
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign);
        router.get("/health").handler(this::health);
        router.get("/ready").handler(this::ready);
        router.get("/metrics").handler(this::metrics);
        router.route("/v1/*").handler(this::authenticate);
        router.route("/tokenize").handler(this::authenticate);
        router.route("/detokenize").handler(this::authenticate);
        Handler<RoutingContext> body = bodies.json(config.maxBodyBytes(), config.http().bodyTimeout());
        new AdminRouter(vertx, serving, config, metrics).mount(router, body, bodies);
        new FineTuningRouter(vertx, serving, config, metrics).mount(router, body, bodies);
        new EmbeddingsRouter(vertx, serving, metrics, models, config.pooling()).mount(router, body);
        router.post("/v1/chat/completions").handler(body).handler(this::chat);
        router.post("/v1/completions").handler(body).handler(this::completions);
        router.get("/v1/models").handler(this::models);
        router.get("/v1/models/:model").handler(this::model);
        router.post("/tokenize").handler(body).handler(this::tokenize);
        router.post("/detokenize").handler(body).handler(this::detokenize);
        // a body that Vert.x itself could not read
        router.errorHandler(400, rc -> error(rc, ApiException.invalidRequest("The request body could not be read: a "
                + "malformed form, or a form field over its size limit.", null)));
        router.errorHandler(404, rc -> error(rc, ApiException.notFound(
                "Unknown request URL: " + rc.request().method() + " " + rc.request().path(), null, "unknown_url")));
        router.errorHandler(405, rc -> {
            String allow = ALLOWED_METHODS.get(rc.request().path());
            if (allow != null) {
                rc.response().putHeader("Allow", allow);
            }
            error(rc, ApiException.methodNotAllowed(
                    "Method " + rc.request().method() + " is not allowed on " + rc.request().path()));
        });
        // the uploads answer their own limits (UploadReceiver)
        router.errorHandler(413, rc -> error(rc, ApiException.payloadTooLarge("The request body exceeds the server's "
                + "limit of " + config.maxBodyBytes() + " bytes (--max-body)")));
        router.errorHandler(500, this::internalError);
        return router;
    }

    private void error(RoutingContext rc, ApiException e) {
        new RequestLog(metrics, routeOf(rc)).fail(rc, e);
    }

    private static String routeOf(RoutingContext rc) {
        return rc.currentRoute() != null && rc.currentRoute().getPath() != null ? rc.currentRoute().getPath() : "unmatched";
    }

    private void internalError(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure == null) {
            LOG.error("unhandled error on {} {}", rc.request().method(), rc.request().path());
            error(rc, ApiException.internal());
            return;
        }
        error(rc, HttpFailures.answer(failure, LOG, "handling " + rc.request().method() + " " + rc.request().path()));
    }

    private void authenticate(RoutingContext rc) {
        if (config.apiKeys().isEmpty()) {
            rc.next();
            return;
        }
        BearerKey given = BearerKey.of(rc);
        // the admin key may also read and generate
        if (config.apiKeys().stream().anyMatch(given::matches) || given.matches(config.adminKey())) {
            rc.next();
            return;
        }
        error(rc, ApiException.unauthorized(rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null
                ? "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'."
                : "Incorrect API key provided."));
    }

    private void health(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}");
    }

    private void ready(RoutingContext rc) {
        if (serving.engine().saturated()) {
            error(rc, ApiException.unavailable("the request queue is full"));
            return;
        }
        rc.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ready\"}");
    }

    /** With --metrics-key, Prometheus's bearer auth: only that key reads the metrics, which name every adapter. */
    private void metrics(RoutingContext rc) {
        if (config.metricsKey() != null && !BearerKey.of(rc).matches(config.metricsKey())) {
            error(rc, ApiException.unauthorized((rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null
                    ? "You didn't provide an API key. " : "Incorrect API key provided. ")
                    + "/metrics needs the metrics key: send 'Authorization: Bearer METRICS_KEY' (--metrics-key)."));
            return;
        }
        rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }

    /** The body as a JSON object; 400 when it is empty, not JSON, or not an object. */
    static JsonNode jsonBody(RoutingContext rc) {
        String text = rc.body() == null ? null : rc.body().asString();
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException("The request body is empty; send a JSON object.", null);
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("The request body must be a JSON object.", null);
            }
            return node;
        } catch (JacksonException e) {
            throw new InvalidRequestException("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage(), null);
        }
    }

    /**
     * Parses and validates a request body for the served model, on a worker thread: a body of up to --max-body
     * bytes (millions of token ids) takes long enough to parse that the event loop must not.
     *
     * @throws InvalidRequestException for any client error
     */
    private static <T> T parse(RoutingContext rc, RequestLog log, java.util.function.Function<JsonNode, T> parser,
            java.util.function.Function<T, String> model) {
        T request = parser.apply(jsonBody(rc));
        log.model(model.apply(request));
        return request;
    }



    /** A parsed request, its prompt ids and the adapter version it runs on (null: the base model). */
    private record Prepared<R>(R request, AdapterKey adapter, Constraint constraint, List<int[]> prompts) {}

    /** A prepared request with its target leased: the base model, or its adapter version, loaded. */
    private record Leased<R>(R request, ModelTarget target, Constraint constraint, List<int[]> prompts) {}

    /** Routes and tokenizes on a worker thread; the adapter is leased afterwards, without a worker (see lease). */
    private <R> Prepared<R> prepare(RoutingContext rc, R request, String model, String user, Constraint constraint,
            java.util.function.Supplier<List<int[]>> prompts) {
        AdapterKey adapter = models.route(rc, model, user);
        return new Prepared<>(request, adapter, constraint, prompts.get());
    }

    /**
     * Leases the prepared request's adapter: at once when it is hot, else when the adapter load threads have loaded
     * it, with no worker thread waiting meanwhile, so a slow load never delays requests for other models. Completes on
     * the request's event loop.
     */
    private <R> Future<Leased<R>> lease(Prepared<R> p) {
        return models.lease(p.adapter()).map(target -> new Leased<>(p.request(), target, p.constraint(), p.prompts()));
    }




    /** Answers a request that failed before generation; a refused adapter load is a 503 to retry. */
    private void failBeforeGeneration(RoutingContext rc, RequestLog log, Throwable e) {
        log.fail(rc, promptError(e));
    }

    /** Errors from rendering or tokenizing a prompt: the client's input, unless something broke. */
    private static ApiException promptError(Throwable e) {
        if (e instanceof TemplateException || e instanceof ModelFormatException || e instanceof IllegalArgumentException) {
            return HttpFailures.answer(new InvalidRequestException(e.getMessage(), "messages"));
        }
        return HttpFailures.answer(e, LOG, "preparing a request");
    }

    private void chat(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/chat/completions");
        vertx.executeBlocking(() -> {
            ChatCompletionRequest req = parse(rc, log, ChatCompletionRequest::parse, ChatCompletionRequest::model);
            requireHermesForForcedCalls(req);
            Constraint constraint = serving.constraints().resolve(req.constraint()); // compiled here, off the event loop
            return prepare(rc, req, req.model(), req.user(), constraint, () -> List.of(models.encodeWithinContext(
                    budget -> serving.model().encodeChat(req.messages(), req.tools(), true, req.chatTemplateKwargs(),
                            budget), "messages")));
        }, false)
                .compose(this::lease)
                .onSuccess(p -> {
                    ChatCompletionRequest req = p.request();
                    try {
                        int[] ids = p.prompts().get(0);
                        log.model(p.target().modelId());
                        int maxTokens = maxTokens(ids.length, req.maxTokens(), "messages");
                        List<GenerationRequest> requests = choices(ids, req.n(), req.sampling(), maxTokens, req.stop(), p.constraint());
                        ToolCallFormat calls = req.toolUse().parseCalls()
                                ? ToolCallFormat.forSetting(config.toolCallParser(), serving.model().tokenizer())
                                : ToolCallFormat.NONE;
                        ChatFormat format = new ChatFormat(serving, p.target().modelId(), req.logprobs(), calls,
                                req.toolUse().parallel());
                        new GenerationExchange(rc, serving, log, req.stream(), req.includeUsage(), format,
                                requests.size(), ids.length, p.target()).start(requests, config.requestTimeout());
                    } catch (ApiException | ServiceException e) {
                        p.target().close();
                        log.fail(rc, HttpFailures.answer(e, LOG, "starting a generation"));
                    }
                })
                .onFailure(e -> failBeforeGeneration(rc, log, e));
    }

    /** A forced call is constrained to the Hermes format, so only the Hermes parser reads it back. */
    private void requireHermesForForcedCalls(ChatCompletionRequest req) {
        if (req.toolUse().forcesCall() && ToolCallFormat.forSetting(config.toolCallParser(),
                serving.model().tokenizer()) != ToolCallFormat.HERMES) {
            throw new InvalidRequestException("tool_choice \"required\" or a named function needs the hermes"
                    + " tool-call parser (--tool-call-parser), got " + config.toolCallParser(), "tool_choice");
        }
    }

    private void completions(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/completions");
        vertx.executeBlocking(() -> {
            CompletionRequest req = parse(rc, log, CompletionRequest::parse, CompletionRequest::model);
            Constraint constraint = serving.constraints().resolve(req.constraint()); // compiled here, off the event loop
            return prepare(rc, req, req.model(), req.user(), constraint, () -> completionPrompts(req));
        }, false)
                .compose(this::lease)
                .onSuccess(p -> {
                    CompletionRequest req = p.request();
                    try {
                        log.model(p.target().modelId());
                        List<GenerationRequest> requests = new ArrayList<>();
                        int promptTokens = 0;
                        for (int[] ids : p.prompts()) {
                            int maxTokens = maxTokens(ids.length, req.maxTokens(), "prompt");
                            requests.addAll(choices(ids, req.n(), req.sampling(), maxTokens, req.stop(), p.constraint()));
                            promptTokens += ids.length;
                        }
                        CompletionFormat format = new CompletionFormat(serving, p.target().modelId(), req, p.prompts());
                        new GenerationExchange(rc, serving, log, req.stream(), req.includeUsage(), format,
                                requests.size(), promptTokens, p.target()).start(requests, config.requestTimeout());
                    } catch (ApiException | ServiceException e) {
                        p.target().close();
                        log.fail(rc, HttpFailures.answer(e, LOG, "starting a generation"));
                    }
                })
                .onFailure(e -> failBeforeGeneration(rc, log, e));
    }

    private List<int[]> completionPrompts(CompletionRequest req) {
        List<int[]> prompts = new ArrayList<>();
        if (req.tokenPrompts() != null) {
            for (int[] ids : req.tokenPrompts()) {
                models.checkIds(ids, "prompt");
                prompts.add(ids);
            }
        } else {
            for (String text : req.textPrompts()) {
                int[] ids = models.encodeWithinContext(budget -> serving.model().requireTokenizer().encode(text, budget),
                        "prompt");
                if (ids.length == 0) {
                    throw new InvalidRequestException("The prompt is empty.", "prompt");
                }
                prompts.add(ids);
            }
        }
        return prompts;
    }


    /** The completion budget: what was asked for, or the rest of the context; 400 when it cannot fit. */
    private int maxTokens(int promptTokens, Integer requested, String promptParam) {
        int context = serving.engine().maxContext();
        if (promptTokens >= context) {
            throw InvalidRequestException.contextLengthExceeded("This model's maximum context length is " + context
                    + " tokens. However, your prompt has " + promptTokens + " tokens.", promptParam);
        }
        if (requested == null) {
            return context - promptTokens;
        }
        long total = (long) promptTokens + requested; // long: max_tokens may be as large as Integer.MAX_VALUE
        if (total > context) {
            throw InvalidRequestException.contextLengthExceeded("This model's maximum context length is " + context
                    + " tokens. However, you requested " + total + " tokens (" + promptTokens
                    + " in the prompt, " + requested + " for the completion). Reduce the prompt or max_tokens.",
                    "max_tokens");
        }
        return requested;
    }

    /** n sequences for one prompt; with a seed, choice i uses seed + i so choices differ but repeat. */
    private static List<GenerationRequest> choices(int[] ids, int n, SamplingParams sampling, int maxTokens,
            List<String> stop, Constraint constraint) {
        List<GenerationRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SamplingParams s = sampling.seed() == null || i == 0 ? sampling : sampling.withSeed(sampling.seed() + i);
            out.add(new GenerationRequest(ids, s, maxTokens, stop, Set.of(), false).withConstraint(constraint));
        }
        return out;
    }

    private void models(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/models");
        vertx.executeBlocking(() -> OpenAiJson.modelList(cards()), false)
                .onSuccess(body -> log.json(rc, 200, body))
                .onFailure(e -> log.fail(rc, HttpFailures.answer(e, LOG, "listing the models")));
    }

    private void model(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/models/:model");
        String id = rc.pathParam("model");
        vertx.executeBlocking(() -> cards().stream().filter(c -> c.id().equals(id)).findFirst()
                        .orElseThrow(() -> NotFoundException.model(id)), false)
                .onSuccess(card -> log.json(rc, 200, OpenAiJson.modelCard(card)))
                .onFailure(e -> log.fail(rc, HttpFailures.answer(e, LOG, "describing a model")));
    }

    /** The base model, then every adapter name (routed) and every servable version (pinned), as vLLM lists them. */
    private List<ModelCard> cards() throws java.io.IOException {
        int context = serving.engine().maxContext();
        List<ModelCard> cards = new ArrayList<>();
        cards.add(new ModelCard(serving.id(), serving.createdEpochSeconds(), "scion", serving.id(), null, context));
        if (serving.adapters() != null) {
            for (var info : serving.adapters().store().list()) {
                long created = info.versions().get(0).created().getEpochSecond();
                cards.add(new ModelCard(info.name(), created, "scion", serving.id(), serving.id(), context));
                for (var v : info.versions()) {
                    cards.add(new ModelCard(v.name() + "@" + v.version(), v.created().getEpochSecond(), "scion",
                            serving.id(), info.name(), context));
                }
            }
        }
        return cards;
    }

    /** vLLM's /tokenize, wholly on a worker thread: parsing, the model lookup (a store read) and tokenizing. */
    private void tokenize(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/tokenize");
        vertx.executeBlocking(() -> {
            TokenizeRequest req = parse(rc, log, TokenizeRequest::parse, r -> modelOrBase(r.model()));
            models.requireKnownModel(modelOrBase(req.model()));
            Tokenizer tokenizer = serving.model().requireTokenizer();
            int[] ids;
            if (req.messages() == null) {
                ids = models.encodeWithinContext(budget -> tokenizer.encode(req.prompt(), budget), "prompt");
            } else if (req.continueFinalMessage()) {
                String text = serving.model().renderChatContinuing(req.messages(), req.tools(),
                        req.chatTemplateKwargs());
                ids = models.encodeWithinContext(budget -> tokenizer.encode(text, budget), "messages");
            } else {
                ids = models.encodeWithinContext(budget -> serving.model().encodeChat(req.messages(), req.tools(),
                        req.addGenerationPrompt(), req.chatTemplateKwargs(), budget), "messages");
            }
            List<String> strs = null;
            if (req.returnTokenStrs()) {
                strs = new ArrayList<>(ids.length);
                for (int id : ids) {
                    strs.add(tokenizer.token(id));
                }
            }
            return OpenAiJson.tokenizeResponse(ids, serving.engine().maxContext(), strs);
        }, false)
                .onSuccess(json -> log.json(rc, 200, json))
                .onFailure(e -> log.fail(rc, promptError(e)));
    }

    /** The base model when a vLLM-style request leaves {@code model} out. */
    private String modelOrBase(String model) {
        return model == null ? serving.id() : model;
    }

    /**
     * vLLM's /detokenize, on a worker thread, for at most the context's length of ids: decoding millions of ids
     * takes seconds, which on the event loop would stall every other request.
     */
    private void detokenize(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/detokenize");
        int context = serving.engine().maxContext();
        vertx.executeBlocking(() -> {
            DetokenizeRequest req = parse(rc, log, body -> DetokenizeRequest.parse(body, context),
                    r -> modelOrBase(r.model()));
            models.requireKnownModel(modelOrBase(req.model()));
            models.checkIds(req.tokens(), "tokens");
            try {
                return serving.model().requireTokenizer().decode(req.tokens(), false);
            } catch (ModelFormatException e) {
                throw new InvalidRequestException(e.getMessage(), "model");
            }
        }, false)
                .onSuccess(text -> log.json(rc, 200, OpenAiJson.detokenizeResponse(text)))
                .onFailure(e -> log.fail(rc, HttpFailures.answer(e, LOG, "a detokenize request")));
    }
}
