using System.Globalization;
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

    public static void Map(IEndpointRouteBuilder routes, SecretGroupService api, ApiAuthenticator authenticator, CallerRateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(limiter);
        routes.MapPut(Root, Handler(authenticator, limiter, async (context, caller, ct) =>
            await api.ApplyManifestAsync(caller, await ReadAsync<ManifestRequest>(context).ConfigureAwait(false), IfMatch(context), ct).ConfigureAwait(false)));
        routes.MapGet(Root, Handler(authenticator, limiter, (context, caller, _) =>
            Task.FromResult<object?>(api.List(caller, context.Request.Query["fqn"], context.Request.Query["limit"], context.Request.Query["offset"]))));
        routes.MapGet(Root + "/{id}", Handler(authenticator, limiter, async (context, caller, ct) =>
            await api.GetAsync(caller, Id(context), ct).ConfigureAwait(false)));
        routes.MapPut(Root + "/{id}", Handler(authenticator, limiter, async (context, caller, ct) =>
            await api.SetSecretsAsync(caller, Id(context), await ReadAsync<SetSecretsRequest>(context).ConfigureAwait(false), IfMatch(context), ct).ConfigureAwait(false)));
        routes.MapDelete(Root + "/{id}", Handler(authenticator, limiter, async (context, caller, ct) =>
        {
            await api.DeleteAsync(caller, Id(context), IfMatch(context), ct).ConfigureAwait(false);
            return null;
        }));
        routes.MapFallback(context => WriteAsync(context, 404, Error("not_found", $"no route {context.Request.Method} {context.Request.Path}")));
    }

    /// <summary>Authenticates, runs the action and writes its result (null = 204) or the error.</summary>
    private static RequestDelegate Handler(ApiAuthenticator authenticator, CallerRateLimiter limiter, Func<HttpContext, Caller, CancellationToken, Task<object?>> action)
    {
        return Run;

        Task Run(HttpContext context) => HandleAsync(context, authenticator, limiter, action);
    }

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    /// <summary>The version in <c>If-Match</c> (an entity tag, quotes and a weak prefix dropped), or null.</summary>
    private static string? IfMatch(HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        return header.Trim('"');
    }

    private static async Task HandleAsync(HttpContext context, ApiAuthenticator authenticator, CallerRateLimiter limiter, Func<HttpContext, Caller, CancellationToken, Task<object?>> action)
    {
        var ct = context.RequestAborted;
        int status;
        object? body;
        try
        {
            // Decided from the header before authentication or reading: costs nothing, and a client that asked
            // Expect: 100-continue never sends the body. A chunked body over the limit fails while read (below).
            if (context.Request.ContentLength > SecretApiServer.MaxRequestBodyBytes)
            {
                throw ApiException.BodyTooLarge();
            }

            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var caller = await authenticator.AuthenticateAsync(context.Request.Headers.Authorization, context.Request.Headers[ApiAuthenticator.ApiKeyHeader], address, ct).ConfigureAwait(false);
            limiter.Take(caller.Name);
            body = await action(context, caller, ct).ConfigureAwait(false);
            status = body is null ? 204 : 200;
            if (body is GroupView view)
            {
                context.Response.Headers.ETag = $"\"{view.ResourceVersion}\"";
            }
        }
        catch (ApiException e)
        {
            (status, body) = (e.Status, Error(e.Code, e.Message));
            if (e.RetryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var tooLarge = ApiException.BodyTooLarge();
            (status, body) = (tooLarge.Status, Error(tooLarge.Code, tooLarge.Message));
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
            // The rules a sync obeys refused (FqnConflict, IntegrationNotReady, AccessDenied ...), or the integration's
            // credentials failed: the reason picks the code, the message says which rule.
            var code = ApiErrors.OfCondition(e.Reason, e.Retry);
            (status, body) = (ApiErrors.Statuses[code], Error(code, e.Message));
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
