using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Operator.Entities.V1Alpha1;

/// <summary>
/// What the last successful sync of a group was computed from (as ESO's <c>syncedResourceVersion</c>): a change in any of
/// these makes the group due at once; otherwise it is due at <c>nextSyncTime</c>. Status is the one record of it, so a
/// restarted operator decides exactly as the one before it.
/// </summary>
[Description("Inputs of the last successful sync; a change in any of them makes the group due at once.")]
public sealed record SyncInputs
{
    [Description("metadata.generation of the group that was synced.")]
    [JsonPropertyName("generation")]
    public long Generation { get; init; }

    [Description("Hash of the annotations that ask for a sync (secrets.tfy.dev/force-sync, secrets.tfy.dev/api-updated-at).")]
    [JsonPropertyName("annotations")]
    public string Annotations { get; init; } = "";

    [Description("uid/generation of the SecretStoreIntegration read from.")]
    [JsonPropertyName("integration")]
    public string Integration { get; init; } = "";

    [Description("Hash of the data hashes of the groups whose keys this group aliases.")]
    [JsonPropertyName("aliases")]
    public string Aliases { get; init; } = "";
}
