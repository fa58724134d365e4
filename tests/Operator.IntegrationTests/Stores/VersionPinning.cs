using System.Text;
using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// Shared steps of the version-pin tests (one per store folder): a remoteRef pinning a version, in each store's notation, read through the real client against the wire-level fake:
/// the pinned key keeps its old value after a rotation, the unpinned one follows, and status shows the version read.
/// </summary>
public static class VersionPinning
{
    public const string Ns = "team-pin";

    public static async Task<string> ValueAsync(OperatorHarness h, string key) => Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, "pins"))!.Data[key]);

    public static async Task<SecretGroup> SyncAsync(OperatorHarness h, string fqn, params (string Key, string? RemoteRef)[] keys)
    {
        await h.CreateGroupAsync(Ns, "pins", keys.Select(k => k.Key), g =>
        {
            g.Spec.IntegrationFqn = fqn;
            for (var i = 0; i < keys.Length; i++)
            {
                g.Spec.Secrets![i].RemoteRef = keys[i].RemoteRef;
            }
        });
        return await h.WaitForGroupAsync(Ns, "pins", "True", "Synced");
    }

    public static void AssertKey(SecretGroup group, string key, string version, bool pinned, string remoteRef)
    {
        var status = group.Status!.Secrets!.Single(s => s.Key == key);
        Assert.Equal((version, pinned ? true : null, remoteRef), (status.Version, status.Pinned, status.RemoteRef));
    }
}
