using System.Text.Json.Nodes;

namespace Operator.Webhooks;

/// <summary>The webhook's answer for one Pod: allowed with an optional RFC 6902 patch, or refused with a code and why.</summary>
public sealed record PodMutation(bool Allowed, JsonArray? Patch, int Code, string? Message)
{
    public static PodMutation Unchanged { get; } = new(true, null, 200, null);

    public static PodMutation Patched(JsonArray patch) => new(true, patch, 200, null);

    public static PodMutation Refused(int code, string message) => new(false, null, code, message);
}
