using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Operator.Webhooks;

/// <summary>Reads an admission.k8s.io/v1 AdmissionReview for a Pod and answers with the mutation as a base64 JSONPatch.</summary>
public sealed partial class AdmissionReviewHandler(PodMutator mutator, ILogger<AdmissionReviewHandler> logger)
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>The response review, or null when <paramref name="review"/> is not an AdmissionReview with a request (HTTP 400).</summary>
    public JsonObject? Handle(JsonNode? review)
    {
        if (review?["request"] is not JsonObject request || request["uid"]?.GetValue<string>() is not { Length: > 0 } uid)
        {
            return null;
        }

        var pod = request["object"] as JsonObject;
        var kind = request["kind"]?["kind"]?.GetValue<string>();
        var ns = request["namespace"]?.GetValue<string>() ?? "";
        var mutation = pod is null || (kind is not null && kind != "Pod") ? PodMutation.Unchanged
            : NamespaceProblem(ns, pod) is { } problem ? PodMutation.Refused(400, problem)
            : mutator.Mutate(pod, ns);
        var podName = pod?["metadata"]?["name"]?.GetValue<string>() ?? pod?["metadata"]?["generateName"]?.GetValue<string>() ?? "";
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = mutation.Allowed };
        if (!mutation.Allowed)
        {
            LogRefused(logger, ns, podName, mutation.Message ?? "");
            response["status"] = new JsonObject
            {
                ["code"] = mutation.Code,
                ["reason"] = mutation.Code == 400 ? "BadRequest" : "Forbidden",
                ["message"] = mutation.Message,
            };
        }
        else if (mutation.Patch is { } patch)
        {
            LogPatched(logger, ns, podName, patch.Count);
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }

        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "AdmissionReview", ["response"] = response };
    }

    /// <summary>
    /// The API server always sends request.namespace for a Pod and has already checked the Pod's own namespace against
    /// it: a review without it, or whose Pod says otherwise, did not come from the API server and gets no answer about
    /// any namespace's groups (never a guessed "default").
    /// </summary>
    private static string? NamespaceProblem(string ns, JsonObject pod)
    {
        if (ns.Length == 0)
        {
            return "request.namespace: required for a Pod";
        }

        var own = pod["metadata"]?["namespace"]?.GetValue<string>();
        return string.IsNullOrEmpty(own) || own == ns ? null : $"request.namespace: {Echo.Quote(ns)} differs from the Pod's metadata.namespace {Echo.Quote(own)}";
    }

    /// <summary>Parses <paramref name="body"/>; null for JSON that is not an object.</summary>
    public JsonObject? Handle(string body)
    {
        try
        {
            return Handle(JsonNode.Parse(body));
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A field of the wrong JSON type (GetValue<string> on a number).
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string @namespace, string pod, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod} patched with {Operations} operations")]
    private static partial void LogPatched(ILogger logger, string @namespace, string pod, int operations);
}
