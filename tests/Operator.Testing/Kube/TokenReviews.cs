using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// authentication.k8s.io/v1 TokenReview: answers from tokens tests register (<see cref="KubeApiEmulator.RegisterToken"/>);
/// any other token is not authenticated. Also serves the group's discovery documents.
/// </summary>
internal sealed class TokenReviews
{
    private const string Group = "authentication.k8s.io";
    private const string GroupVersion = Group + "/v1";
    private readonly ConcurrentDictionary<string, (string User, string[] Groups)> tokens = new(StringComparer.Ordinal);

    public void Register(string token, string user, IEnumerable<string> groups) => tokens[token] = (user, groups.ToArray());

    /// <summary>True when the request was for this API group and has been answered.</summary>
    public async Task<bool> TryServeAsync(HttpContext context)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        JsonObject? answer = path switch
        {
            "/apis/" + Group => GroupDocument(),
            "/apis/" + GroupVersion => ResourceList(),
            "/apis/" + GroupVersion + "/tokenreviews" when context.Request.Method == "POST" => await ReviewAsync(context).ConfigureAwait(false),
            _ => null,
        };
        if (answer is null)
        {
            return false;
        }

        context.Response.StatusCode = path.EndsWith("/tokenreviews", StringComparison.Ordinal) ? 201 : 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(Json.Options), context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    private async Task<JsonObject> ReviewAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var token = (string?)body?["spec"]?["token"] ?? "";
        var status = tokens.TryGetValue(token, out var who)
            ? new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject
                {
                    ["username"] = who.User,
                    ["groups"] = new JsonArray(who.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray()),
                },
            }
            : new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" };
        return new JsonObject
        {
            ["kind"] = "TokenReview",
            ["apiVersion"] = GroupVersion,
            ["metadata"] = new JsonObject(),
            ["spec"] = new JsonObject { ["token"] = token },
            ["status"] = status,
        };
    }

    private static JsonObject GroupDocument()
    {
        JsonObject Entry() => new() { ["groupVersion"] = GroupVersion, ["version"] = "v1" };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = Group,
            ["versions"] = new JsonArray(Entry()),
            ["preferredVersion"] = Entry(),
        };
    }

    private static JsonObject ResourceList() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = GroupVersion,
        ["resources"] = new JsonArray(new JsonObject
        {
            ["name"] = "tokenreviews",
            ["singularName"] = "tokenreview",
            ["namespaced"] = false,
            ["kind"] = "TokenReview",
            ["verbs"] = new JsonArray("create"),
        }),
    };
}
