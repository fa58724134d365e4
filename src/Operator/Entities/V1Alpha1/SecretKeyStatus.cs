using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Where one key of a group was read from.</summary>
public sealed class SecretKeyStatus
{
    private const byte FqnKeyed = 1;
    private const byte RemoteRefKeyed = 2;

    private string key = "";
    private string fqn = "";
    private string remoteRef = "";

    // Which of fqn and remoteRef hold only the part before Key (ShareKeyPrefixes); the properties read whole either way.
    private byte keyed;

    [JsonPropertyName("key")]
    public string Key
    {
        get => key;
        set
        {
            if (keyed != 0 && !string.Equals(key, value, StringComparison.Ordinal))
            {
                (fqn, remoteRef, keyed) = (Fqn, RemoteRef, 0);
            }

            key = value;
        }
    }

    [JsonPropertyName("fqn")]
    public string Fqn
    {
        get => (keyed & FqnKeyed) != 0 ? string.Concat(fqn, key) : fqn;
        set => (fqn, keyed) = (value, (byte)(keyed & ~FqnKeyed));
    }

    [JsonPropertyName("remoteRef")]
    public string RemoteRef
    {
        get => (keyed & RemoteRefKeyed) != 0 ? string.Concat(remoteRef, key) : remoteRef;
        set => (remoteRef, keyed) = (value, (byte)(keyed & ~RemoteRefKeyed));
    }

    [Description("The store's version of the value synced: the one remoteRef pins, else the current one when read.")]
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [Description("True when remoteRef pins the version (AWS name:3 or name:label, GCP .../versions/3, Azure name/<version id>, Vault ...?version=3).")]
    [JsonPropertyName("pinned")]
    public bool? Pinned { get; set; }

    [Description("The spec.dataFrom entry the key came from, e.g. spec.dataFrom[0].extract; unset for spec.secrets.")]
    [JsonPropertyName("from")]
    public string? From { get; set; }

    [Description("True when the store has no value for the key and target.deletionPolicy Delete left it out of the Secret.")]
    [JsonPropertyName("absent")]
    public bool? Absent { get; set; }

    /// <summary>A key status whose fqn and remoteRef are <paramref name="fqnPrefix"/> and <paramref name="remoteRefPrefix"/> followed by <paramref name="key"/>.</summary>
    internal static SecretKeyStatus WithPrefixes(string key, string fqnPrefix, string remoteRefPrefix, string? version, bool? pinned, bool? absent) => new()
    {
        key = key,
        fqn = fqnPrefix,
        remoteRef = remoteRefPrefix,
        keyed = FqnKeyed | RemoteRefKeyed,
        Version = version,
        Pinned = pinned,
        Absent = absent,
    };

    /// <summary>
    /// The cache's compact form (issue 21): <see cref="Fqn"/> and <see cref="RemoteRef"/> usually end with <see cref="Key"/>
    /// (`tenant:group:KEY`, `.../group/KEY`), so each keeps only the part before it, as <paramref name="share"/> returns
    /// it (one instance for a group's keys); both read as before. Returns this status.
    /// </summary>
    public SecretKeyStatus ShareKeyPrefixes(Func<string, string> share)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (string.IsNullOrEmpty(key))
        {
            return this;
        }

        if ((keyed & FqnKeyed) == 0 && fqn?.Length > key.Length && fqn.EndsWith(key, StringComparison.Ordinal))
        {
            (fqn, keyed) = (share(fqn[..^key.Length]), (byte)(keyed | FqnKeyed));
        }

        if ((keyed & RemoteRefKeyed) == 0 && remoteRef?.Length > key.Length && remoteRef.EndsWith(key, StringComparison.Ordinal))
        {
            (remoteRef, keyed) = (share(remoteRef[..^key.Length]), (byte)(keyed | RemoteRefKeyed));
        }

        return this;
    }
}
