using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Autorest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Operator.Credentials;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>
/// Maps the route table (<see cref="ApiRoutes"/>) and <c>/openapi.json</c> made from it; every answer is JSON, every
/// error <c>{"error": {code, message}}</c> with a code of <see cref="ApiErrors"/>.
/// </summary>
public static class SecretGroupEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, IReadOnlyList<ApiRoute> table, ApiAuthenticator authenticator, CallerRateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(limiter);
        foreach (var route in table)
        {
            routes.MapMethods(route.Pattern, [route.Method], context => HandleAsync(context, authenticator, limiter, route.Handle));
        }

        // Public (it describes, never shows), but counted against the client address like an unknown credential.
        var document = OpenApiDocument.Build(table).ToJsonString();
        routes.MapGet(ApiRoutes.OpenApi, async context =>
        {
            try
            {
                limiter.Take($"address:{context.Connection.RemoteIpAddress}");
            }
            catch (ApiException e)
            {
                await WriteErrorAsync(context, e).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
        });
        routes.MapFallback("{*path}", context =>
        {
            var allowed = table.Where(r => r.Matches(context.Request.Path)).Select(r => r.Method).Distinct().ToList();
            if (allowed.Count == 0)
            {
                return WriteAsync(context, 404, Error("not_found", $"no route {context.Request.Method} {context.Request.Path}"));
            }

            context.Response.Headers.Allow = string.Join(", ", allowed);
            return WriteAsync(context, 405, Error("method_not_allowed", $"{context.Request.Path} answers {string.Join(", ", allowed)}, not {context.Request.Method}"));
        });
    }

    private static Task WriteErrorAsync(HttpContext context, ApiException e)
    {
        if (e.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, e.Status, Error(e.Code, e.Message));
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
