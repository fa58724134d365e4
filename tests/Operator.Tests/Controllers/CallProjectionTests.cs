using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Tests.Controllers;

/// <summary>CallProjection counts the calls GroupReader makes: batches, pins, finds; aliases and refused specs cost nothing.</summary>
public sealed class CallProjectionTests
{
    private static readonly IntegrationFqn Fqn = new("acme", new Provider("aws"), "acct", "ssm");
    private static readonly SecretStoreIntegration Integration = new() { Metadata = new V1ObjectMeta { Name = "ssm" }, Spec = new SecretStoreIntegrationSpec() };

    /// <summary>12 default keys, one pinned, one alias, a dataFrom extract and a find, on a store batching 10.</summary>
    private static SecretGroup Group(Action<SecretGroupSpec>? change = null)
    {
        var group = new SecretGroup
        {
            Metadata = new V1ObjectMeta { Name = "g", NamespaceProperty = "ns" },
            Spec = new SecretGroupSpec
            {
                IntegrationFqn = Fqn.ToString(),
                RefreshInterval = "10m",
                Secrets = [.. Enumerable.Range(1, 12).Select(i => new SecretKeySpec { Key = $"K{i}" }),
                    new SecretKeySpec { Key = "PINNED", RemoteRef = "/app/db:3" },
                    new SecretKeySpec { Key = "ALIAS", RemoteRef = "tfy-secret://acme:other:K" }],
                DataFrom = [new DataFromSpec { Extract = new ExtractSpec { Key = "CONF", RemoteRef = "/app/config.json" } }, new DataFromSpec { Find = new FindSpec { Path = "/app/found/" } }],
            },
        };
        change?.Invoke(group.Spec);
        return group;
    }

    private static long Monthly(SecretGroup group) => CallProjection.MonthlyCalls(group, Integration, Fqn, new GroupPlanTests.PathOnlyStore(), "acme", TimeSpan.FromHours(1));

    [Fact]
    public void CallsPerSync_TwoBatchesOf13CurrentValues_OnePin_OneFind_NoAlias()
    {
        Assert.Equal(2 + 1 + 1, CallProjection.CallsPerSync(Group(), Fqn, new GroupPlanTests.PathOnlyStore(), "acme"));
        Assert.Equal(4 * (30 * 24 * 6), Monthly(Group())); // every 10 minutes for 30 days
    }

    [Fact]
    public void NoPeriodicRefresh_OrARefusedSpec_ProjectsNothing()
    {
        Assert.Equal(0, Monthly(Group(s => (s.RefreshPolicy, s.RefreshInterval) = (SecretGroupSpec.OnChange, null))));
        Assert.Equal(0, Monthly(Group(s => (s.RefreshPolicy, s.RefreshInterval) = (SecretGroupSpec.CreatedOnce, null))));
        Assert.Equal(0, Monthly(Group(s => s.RefreshInterval = "0")));
        Assert.Equal(0, Monthly(Group(s => s.RefreshInterval = "1s"))); // under the 10 s floor: refused, never synced
        Assert.Equal(0, Monthly(Group(s => s.Secrets![0].Key = "..data")));
    }

    [Fact]
    public void NoInterval_UsesTheIntegrationsSyncInterval_ElseTheFallback()
    {
        Assert.Equal(4 * 720, Monthly(Group(s => s.RefreshInterval = null)));
        var daily = new SecretStoreIntegration { Metadata = Integration.Metadata, Spec = new SecretStoreIntegrationSpec { SyncInterval = "24h" } };
        Assert.Equal(4 * 30, CallProjection.MonthlyCalls(Group(s => s.RefreshInterval = null), daily, Fqn, new GroupPlanTests.PathOnlyStore(), "acme", TimeSpan.FromHours(1)));
    }
}
