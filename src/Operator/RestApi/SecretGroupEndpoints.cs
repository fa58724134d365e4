using System.Net;
using System.Text.Json;
using k8s.Autorest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Operator.Credentials;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>The routes of the Secret Management REST API; every answer is JSON, every error <c>{"error": {code, message}}</c>.</summary>
public static class SecretGroupEndpoints
{
    public const string Root = "/v1/secret-groups";

    public static void Map(IEndpointRouteBuilder routes, SecretGroupService api, ApiAuthenticator authenticator)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(authenticator);
        routes.MapPut(Root, Handler(authenticator, async (context, caller, ct) =>
            await api.ApplyManifestAsync(caller, await ReadAsync<ManifestRequest>(context).ConfigureAwait(false), ct).ConfigureAwait(false)));
        routes.MapGet(Root, Handler(authenticator, (context, caller, _) =>
            Task.FromResult<object?>(api.List(caller, context.Request.Query["fqn"], context.Request.Query["limit"], context.Request.Query["offset"]))));
        routes.MapGet(Root + "/{id}", Handler(authenticator, async (context, caller, ct) =>
            await api.GetAsync(caller, Id(context), ct).ConfigureAwait(false)));
        routes.MapPut(Root + "/{id}", Handler(authenticator, async (context, caller, ct) =>
            await api.SetSecretsAsync(caller, Id(context), await ReadAsync<SetSecretsRequest>(context).ConfigureAwait(false), ct).ConfigureAwait(false)));
        routes.MapDelete(Root + "/{id}", Handler(authenticator, async (context, caller, ct) =>
        {
            await api.DeleteAsync(caller, Id(context), ct).ConfigureAwait(false);
            return null;
        }));
        routes.MapFallback(context => WriteAsync(context, 404, Error("not_found", $"no route {context.Request.Method} {context.Request.Path}")));
    }

    /// <summary>Authenticates, runs the action and writes its result (null = 204) or the error.</summary>
    private static RequestDelegate Handler(ApiAuthenticator authenticator, Func<HttpContext, Caller, CancellationToken, Task<object?>> action)
    {
        return Run;

        Task Run(HttpContext context) => HandleAsync(context, authenticator, action);
    }

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    private static async Task HandleAsync(HttpContext context, ApiAuthenticator authenticator, Func<HttpContext, Caller, CancellationToken, Task<object?>> action)
    {
        var ct = context.RequestAborted;
        int status;
        object? body;
        try
        {
            var caller = await authenticator.AuthenticateAsync(context.Request.Headers.Authorization, context.Request.Headers[ApiAuthenticator.ApiKeyHeader], ct).ConfigureAwait(false);
            body = await action(context, caller, ct).ConfigureAwait(false);
            status = body is null ? 204 : 200;
        }
        catch (ApiException e)
        {
            (status, body) = (e.Status, Error(e.Code, e.Message));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound)
        {
            // Custom resources hold no values, so the API server's message is safe to pass on.
            status = (int)e.Response.StatusCode;
            var code = status switch { 409 => "conflict", 404 => "not_found", _ => "validation_failed" };
            body = Error(code, $"the Kubernetes API server refused the change: {StatusMessage(e)}");
        }
        catch (HttpOperationException e)
        {
            (status, body) = (502, Error("kubernetes_error", $"the Kubernetes API server answered {(int)e.Response.StatusCode}; retry later"));
        }
        catch (SecretStoreException e)
        {
            (status, body) = (502, Error("store_error", $"the secret store failed ({e.Reason}): {e.Message}"));
        }
        catch (ConditionException e)
        {
            // Any other condition failure on the way to the store: the integration's credentials.
            (status, body) = (502, Error("store_error", $"the integration's credentials could not be resolved: {e.Message}"));
        }

        await WriteAsync(context, status, body).ConfigureAwait(false);
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            // Only the position: the parser's own message may quote the text it choked on, which can be a value.
            throw ApiException.Invalid("body", $"is not valid JSON for this request at {e.Path ?? "$"}");
        }
    }

    private static ErrorResponse Error(string code, string message) => new(new ErrorDetail(code, message));

    private static string StatusMessage(HttpOperationException e)
    {
        try
        {
            using var doc = JsonDocument.Parse(e.Response.Content ?? "");
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? e.Response.ReasonPhrase ?? "" : e.Response.ReasonPhrase ?? "";
        }
        catch (JsonException)
        {
            return e.Response.ReasonPhrase ?? "";
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, object? body)
    {
        context.Response.StatusCode = status;
        if (body is null)
        {
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, body.GetType(), ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
    }
}
