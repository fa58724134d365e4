using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// The wire side: SigV4 verification, dispatch, answers and errors as the Secrets Manager API reference describes them
/// (JSON 1.1 errors: <c>{"__type": code, "message": ...}</c> with HTTP 400; <c>x-amzn-RequestId</c> on every answer).
/// </summary>
public sealed partial class SecretsManagerFake
{
    private const string JsonType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "secretsmanager.";

    /// <summary>BatchGetSecretValue: "SecretIdList ... Array Members: Maximum number of 20 items".</summary>
    private const int MaxBatch = 20;

    /// <summary>SigV4: a request whose X-Amz-Date is more than 5 minutes off the server's clock is refused.</summary>
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    private sealed record Answer(int Status, JsonObject Body)
    {
        public string? ErrorCode => (string?)Body["__type"];
    }

    /// <summary>Adds an access key the account accepts (a rotated key, or a second identity).</summary>
    public void AddAccessKey(string accessKeyId, string secretAccessKey)
    {
        lock (gate)
        {
            keys[accessKeyId] = secretAccessKey;
        }
    }

    /// <summary>Revokes an access key: requests signed with it are UnrecognizedClientException.</summary>
    public void RevokeAccessKey(string accessKeyId)
    {
        lock (gate)
        {
            keys.Remove(accessKeyId);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "Unknown";
        await Faults.DelayAsync(operation, context.RequestAborted).ConfigureAwait(false);

        Answer answer;
        IReadOnlyList<string> ids = [];
        lock (gate)
        {
            var refused = Authenticate(context.Request, body);
            if (refused is not null)
            {
                Faults.Count(operation);
            }

            answer = refused
                ?? (operation == "Unknown" ? Error("UnknownOperationException", "this endpoint serves secretsmanager operations only") : null)
                ?? InjectedFault(operation)
                ?? Dispatch(operation, body, out ids);
            calls.Add(new Call(operation, answer.Status, answer.ErrorCode, ids));
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = JsonType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private Answer? InjectedFault(string operation) => Faults.Decide(operation) switch
    {
        FakeFault.Throttled => Error("ThrottlingException", "Rate exceeded"),
        FakeFault.Failed => new Answer(Faults.FailStatus ?? 500, new JsonObject { ["__type"] = "InternalServiceError", ["message"] = "injected failure" }),
        _ => null,
    };

    // Signature Version 4 as AWS checks it (AWS General Reference, "Create a signed AWS API request"): credential scope
    // <date>/<region>/secretsmanager/aws4_request, host and x-amz-date signed, the date within 5 minutes, and the
    // signature recomputed from the canonical request with the access key's secret.
    private Answer? Authenticate(HttpRequest request, byte[] body)
    {
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return Error("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        var parts = auth["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = parts.GetValueOrDefault("Credential", "").Split('/');
        var signedHeaders = parts.GetValueOrDefault("SignedHeaders", "");
        if (scope.Length != 5 || signedHeaders.Length == 0 || !parts.TryGetValue("Signature", out var signature))
        {
            return Error("IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }

        if (!keys.TryGetValue(scope[0], out var secret))
        {
            return Error("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scope[3] != "secretsmanager" || scope[2] != Region || scope[4] != "aws4_request")
        {
            return Error("InvalidSignatureException", $"Credential should be scoped to a valid region and to the correct service: '{Region}/secretsmanager'.");
        }

        var signed = signedHeaders.Split(';');
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!signed.Contains("host") || !signed.Contains("x-amz-date")
            || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) || amzDate[..8] != scope[1])
        {
            return Error("IncompleteSignatureException", "The request must sign 'host' and 'x-amz-date', and the credential date must be the day of X-Amz-Date.");
        }

        if ((time.GetUtcNow() - at).Duration() > AllowedSkew)
        {
            return Error("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier or later than the server time by more than 5 minutes.");
        }

        var canonical = string.Join('\n',
            request.Method,
            string.IsNullOrEmpty(request.Path.Value) ? "/" : request.Path.Value,
            CanonicalQuery(request.QueryString.Value),
            string.Concat(signed.Select(h => $"{h}:{HeaderValue(request, h)}\n")),
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = new[] { scope[1], scope[2], scope[3], scope[4] }.Aggregate(Encoding.UTF8.GetBytes("AWS4" + secret), (k, part) => HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part)));
        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Error("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    private static string HeaderValue(HttpRequest request, string name)
    {
        var values = request.Headers[name].Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return string.Join(',', values);
    }

    private static string CanonicalQuery(string? query) =>
        string.IsNullOrEmpty(query) ? "" : string.Join('&', query.TrimStart('?').Split('&').Order(StringComparer.Ordinal));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private Answer Dispatch(string operation, byte[] body, out IReadOnlyList<string> ids)
    {
        ids = [];
        JsonObject request;
        try
        {
            request = JsonNode.Parse(body.Length == 0 ? "{}"u8 : body.AsSpan()) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return Error("SerializationException", "request body is not JSON");
        }

        if (operation == "BatchGetSecretValue")
        {
            ids = (request["SecretIdList"] as JsonArray)?.Select(n => (string?)n ?? "").ToList() ?? [];
            return BatchGet(request, ids);
        }

        return operation switch
        {
            "GetSecretValue" => GetSecretValue(request),
            "PutSecretValue" => PutSecretValue(request),
            "CreateSecret" => CreateSecret(request),
            "DeleteSecret" => DeleteSecret(request),
            _ => Error("UnknownOperationException", $"operation {operation} is not served by the fake"),
        };
    }

    private static Answer Ok(JsonObject body) => new(200, body);

    private static Answer Error(string code, string message, int status = 400) => new(status, new JsonObject { ["__type"] = code, ["message"] = message });

    private static Answer NotFound() => Error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

    private static Answer AccessDenied(string action, string id) =>
        Error("AccessDeniedException", $"User: arn:aws:iam::{Account}:user/fake is not authorized to perform: secretsmanager:{action} on resource: {id} because no identity-based policy allows the secretsmanager:{action} action");
}
