using System.Text;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.DataFrom;

/// <summary>spec.dataFrom[].find through the built-in store (the source Secret's keys), against the emulator.</summary>
public sealed class FindTests
{
    private const string Ns = "team-find";

    private static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    private static V1Condition Ready(SecretGroup g) => g.Status!.Conditions!.Single(c => c.Type == "Ready");

    [Fact]
    public async Task Find_ByPrefixAndName_RewritesKeys_BoundsTheCount_AndStaysInTheGroupsLocation()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["DB_USER"] = "alice", ["DB_PASS"] = "pw", ["DB_HOST"] = "db", ["API_KEY"] = "k" });
        await h.CreateGroupAsync(Ns, "app", [], g =>
        {
            g.Spec.RefreshInterval = "10s";
            g.Spec.DataFrom = [new DataFromSpec
            {
                Find = new FindSpec { Path = $"{h.Tenant}.app/DB_", Name = new FindNameSpec { Regexp = "^(USER|PASS)$" } },
                Rewrite = [new RewriteSpec { Regexp = new RewriteRegexpSpec { Source = "^", Target = "db." } }],
            }];
        });

        var group = await h.WaitForGroupAsync(Ns, "app", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "app"))!;
        Assert.Equal(["db.PASS", "db.USER"], secret.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("alice", "pw"), (Text(secret, "db.USER"), Text(secret, "db.PASS")));
        var user = group.Status!.Secrets!.Single(k => k.Key == "db.USER");
        Assert.Equal(("spec.dataFrom[0].find", $"{h.FqnOf()}::{h.Tenant}.app/DB_USER"), (user.From, user.RemoteRef));

        // A value that appears in the store appears in the Secret at the next refresh.
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["DB_USER"] = "alice", ["DB_PASS"] = "pw2", ["DB_HOST"] = "db", ["API_KEY"] = "k" });
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));
        await OperatorHarness.WaitForAsync(async () => Text((await h.GetSecretAsync(Ns, "app"))!, "db.PASS") == "pw2", "the found value to be refreshed");

        // More than maxKeys: refused, naming the field; the Secret keeps its data.
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "app"), g => { g.Spec.DataFrom![0].Find!.Name = null; g.Spec.DataFrom[0].Find!.MaxKeys = 2; });
        var tooMany = Ready(await h.WaitForGroupAsync(Ns, "app", "False", "TooManyKeys"));
        Assert.StartsWith($"spec.dataFrom[0].find.maxKeys: more than 2 values under '{h.Tenant}.app/DB_'", tooMany.Message, StringComparison.Ordinal);
        Assert.Equal(["db.PASS", "db.USER"], (await h.GetSecretAsync(Ns, "app"))!.Data.Keys.Order(StringComparer.Ordinal));

        // Another group's location needs the integration's allowPathReferences.
        await h.SetSourceValuesAsync("other", new Dictionary<string, string> { ["X"] = "x" });
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "app"), g => g.Spec.DataFrom = [new DataFromSpec { Find = new FindSpec { Path = $"{h.Tenant}.other/" } }]);
        var denied = Ready(await h.WaitForGroupAsync(Ns, "app", "False", "AccessDenied"));
        Assert.StartsWith($"spec.dataFrom[0].find.path: '{h.Tenant}.other/' is outside the group's own location '{h.Tenant}.app/'", denied.Message, StringComparison.Ordinal);
        Assert.Equal(["db.PASS", "db.USER"], (await h.GetSecretAsync(Ns, "app"))!.Data.Keys.Order(StringComparer.Ordinal));
    }
}
