using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Aws;

/// <summary>The wire side: request dispatch, JSON 1.1 answers and errors. STS is not served here (see <see cref="StsFake"/>).</summary>
public sealed partial class SsmFake
{
    private const string JsonType = "application/x-amz-json-1.1";
    private const int MaxNamesPerGetParameters = 10;
    private const int MaxResultsPerPage = 10;

    private sealed record Answer(int Status, string Body, string ContentType = JsonType);

    private async Task ServeAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith("AmazonSSM.", StringComparison.Ordinal) ? target["AmazonSSM.".Length..] : "Unknown";
        var key = AccessKeyOf(context.Request);
        var token = context.Request.Headers["X-Amz-Security-Token"].ToString();

        await Faults.DelayAsync(operation, context.RequestAborted).ConfigureAwait(false);

        Answer answer;
        lock (gate)
        {
            var refused = Authenticate(key, token);
            if (refused is not null)
            {
                Faults.Count(operation);
            }

            // An STS Query request (Action=AssumeRole, no X-Amz-Target) sent here is not an SSM operation: the real
            // endpoint refuses it too, so a client that sends AssumeRole to the SSM endpoint fails here as it would in AWS.
            answer = refused
                ?? (operation == "Unknown" ? Error(400, "UnknownOperationException", "this endpoint serves AmazonSSM operations only") : null)
                ?? (InjectedFault(operation) is { } fault ? Error(fault.Status, fault.Code, fault.Message) : null)
                ?? Dispatch(operation, body);
            calls.Add(new Call(operation, time.GetUtcNow(), key, answer.Status));
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        context.Response.Headers["x-amzn-RequestId"] = NextRequestId();
        await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private Answer? Authenticate(string? key, string token)
    {
        if (key is null)
        {
            return Error(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!allowedKeys.Contains(key) || (sessionTokens.TryGetValue(key, out var expected) && expected != token))
        {
            return Error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        return null;
    }

    private Answer Dispatch(string operation, string body)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return Error(400, "SerializationException", "request body is not JSON");
        }

        return operation switch
        {
            "GetParameter" => GetParameter(request),
            "GetParameters" => GetParameters(request),
            "GetParametersByPath" => GetParametersByPath(request),
            "PutParameter" => PutParameter(request),
            "DeleteParameter" => DeleteParameter(request),
            _ => Error(400, "UnknownOperationException", $"operation {operation} is not supported by the fake"),
        };
    }

    private Answer GetParameter(JsonObject request)
    {
        var name = (string?)request["Name"] ?? "";

        // "To query by parameter version, use "Name": "name:version"": the selector follows the last ':' after the path.
        var colon = name.LastIndexOf(':');
        var selector = colon > name.LastIndexOf('/') && colon >= 0 ? name[(colon + 1)..] : null;
        var bare = selector is null ? name : name[..colon];
        if (Denied(bare))
        {
            return AccessDenied("GetParameter", bare);
        }

        if (!parameters.TryGetValue(bare, out var p))
        {
            return Error(400, "ParameterNotFound", $"Parameter {bare} not found.");
        }

        if (selector is null)
        {
            return Ok(new JsonObject { ["Parameter"] = ToJson(p, Decrypt(request)) });
        }

        // "name:version" or "name:label" (a label never starts with a digit).
        var kept = long.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? history[bare].Find(v => v.Version == number)
            : labels.TryGetValue((bare, selector), out var labelled) ? history[bare].Find(v => v.Version == labelled) : null;
        if (kept is null)
        {
            return Error(400, "ParameterVersionNotFound", $"Systems Manager could not find version {selector} of {bare}. Verify the version and try again.");
        }

        var answer = ToJson(kept, Decrypt(request));
        answer["Selector"] = $":{selector}";
        return Ok(new JsonObject { ["Parameter"] = answer });
    }

    private Answer GetParameters(JsonObject request)
    {
        var names = (request["Names"] as JsonArray)?.Select(n => (string?)n ?? "").ToList() ?? [];
        if (names.Count is 0 or > MaxNamesPerGetParameters)
        {
            return Validation($"Value at 'names' failed to satisfy constraint: Member must have length less than or equal to {MaxNamesPerGetParameters} and greater than or equal to 1");
        }

        if (names.FirstOrDefault(Denied) is { } denied)
        {
            return AccessDenied("GetParameters", denied);
        }

        var found = new JsonArray();
        var invalid = new JsonArray();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (parameters.TryGetValue(name, out var p))
            {
                found.Add(ToJson(p, Decrypt(request)));
            }
            else
            {
                invalid.Add(name);
            }
        }

        return Ok(new JsonObject { ["Parameters"] = found, ["InvalidParameters"] = invalid });
    }

    private Answer GetParametersByPath(JsonObject request)
    {
        var path = (string?)request["Path"] ?? "";
        var recursive = (bool?)request["Recursive"] ?? false;
        var max = (int?)request["MaxResults"] ?? MaxResultsPerPage;
        if (max is < 1 or > MaxResultsPerPage)
        {
            return Validation($"Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {MaxResultsPerPage}");
        }

        if (!path.StartsWith('/'))
        {
            return Validation("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".");
        }

        if (Denied(path))
        {
            return AccessDenied("GetParametersByPath", path);
        }

        var dir = path.EndsWith('/') ? path : path + "/";
        var matching = parameters.Values
            .Where(p => p.Name.StartsWith(dir, StringComparison.Ordinal) && (recursive || !p.Name.AsSpan(dir.Length).Contains('/')))
            .Where(p => !Denied(p.Name))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        var start = 0;
        if ((string?)request["NextToken"] is { Length: > 0 } next && !int.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(next)), CultureInfo.InvariantCulture, out start))
        {
            return Validation("The specified token is not valid.");
        }

        var page = new JsonArray([.. matching.Skip(start).Take(max).Select(p => (JsonNode)ToJson(p, Decrypt(request)))]);
        var response = new JsonObject { ["Parameters"] = page };
        if (start + max < matching.Count)
        {
            response["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((start + max).ToString(CultureInfo.InvariantCulture)));
        }

        return Ok(response);
    }

    private Answer PutParameter(JsonObject request)
    {
        var name = (string?)request["Name"] ?? "";
        var value = (string?)request["Value"] ?? "";
        var type = (string?)request["Type"] ?? "String";
        var overwrite = (bool?)request["Overwrite"] ?? false;
        if (NameProblem(name) is { } problem)
        {
            return Validation($"Parameter name: {problem}");
        }

        if (value.Length == 0)
        {
            return Validation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        // The tier decides the size: 4 KB Standard (the default), 8 KB Advanced; AWS answers in characters.
        var advanced = (string?)request["Tier"] == "Advanced";
        if (value.Length > (advanced ? 8192 : 4096))
        {
            return Validation(advanced
                ? "Advanced tier parameters support a maximum parameter value of 8192 characters."
                : "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html");
        }

        if (Denied(name))
        {
            return AccessDenied("PutParameter", name);
        }

        if (parameters.ContainsKey(name) && !overwrite)
        {
            return Error(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
        }

        var version = Store(name, value, type, (string?)request["KeyId"]);
        return Ok(new JsonObject { ["Version"] = version, ["Tier"] = "Standard" });
    }

    private Answer DeleteParameter(JsonObject request)
    {
        var name = (string?)request["Name"] ?? "";
        if (Denied(name))
        {
            return AccessDenied("DeleteParameter", name);
        }

        history.Remove(name);
        return parameters.Remove(name) ? Ok([]) : Error(400, "ParameterNotFound", $"Parameter {name} not found.");
    }

    // PutParameter/GetParameter(s)/GetParametersByPath: "WithDecryption: Return decrypted values for secure string
    // parameters. This flag is ignored for String and StringList parameter types." Without it a SecureString comes back
    // as its KMS ciphertext (base64), never as the plain value.
    private static bool Decrypt(JsonObject request) => (bool?)request["WithDecryption"] ?? false;

    private static string? NameProblem(string name) =>
        name.Length is 0 or > 2048 ? "length must be between 1 and 2048"
        : !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/') ? "only a-zA-Z0-9_.-/ are allowed"
        : name.Contains("//", StringComparison.Ordinal) || (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith('/')) ? "a hierarchy must begin with / and have no empty level"
        : null;

    private static Answer Ok(JsonObject body) => new(200, body.ToJsonString());

    private static Answer Validation(string message) => Error(400, "ValidationException", message);

    private static Answer AccessDenied(string operation, string name) =>
        Error(400, "AccessDeniedException", $"User: arn:aws:iam::{Account}:user/fake is not authorized to perform: ssm:{operation} on resource: arn:aws:ssm:{Region}:{Account}:parameter/{name.TrimStart('/')}");

    private static Answer Error(int status, string code, string message) =>
        new(status, new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString());
}
