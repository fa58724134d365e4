using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Hosting;
using Operator.Hosting.Flags;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;

namespace Operator.Tests.Install;

/// <summary>The flags the chart and config/manager pass, bound to the per-feature options the way the operator binds them.</summary>
public sealed class OperatorFlagsTests
{
    private static ServiceProvider Provider(params string[] args)
    {
        var flags = FlagParser.Parse(args, environment: new Dictionary<string, string>());
        return new ServiceCollection().AddLogging().AddSecretGroupOperator(flags).BuildServiceProvider();
    }

    private static T Options<T>(params string[] args)
        where T : class
    {
        using var provider = Provider(args);
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    [Fact]
    public void ChartFlags_BindToTheirFeaturesOptions()
    {
        string[] args = ["--tenant=acme", "--namespace=secretgroup-system", "--leader-elect=true", "--log-format=json", "--sync-interval=30m",
            "--workers=8", "--health-port=8081", "--metrics-port=9090", "--webhook-enabled=true", "--api-enabled=false", "--tenant-admins=user:a, team:b"];

        var tenancy = Options<TenancyOptions>(args);
        Assert.Equal(("acme", "secretgroup-system"), (tenancy.Tenant, tenancy.Namespace));
        Assert.Equal(["user:a", "team:b"], tenancy.TenantAdmins);
        Assert.Equal((TimeSpan.FromMinutes(30), 8), (Options<SyncOptions>(args).DefaultSyncInterval, Options<SyncOptions>(args).Workers));
        Assert.Equal((8081, 9090), (Options<EndpointOptions>(args).HealthPort, Options<EndpointOptions>(args).MetricsPort));
        Assert.Equal("json", Options<LoggingOptions>(args).Format);
        Assert.True(Options<OperatorRuntimeOptions>(args).LeaderElection.Enabled);
        Assert.Equal(("secretgroup-system", "secretgroup-operator-acme"), (Options<OperatorRuntimeOptions>(args).LeaderElection.LeaseNamespace, Options<OperatorRuntimeOptions>(args).LeaderElection.LeaseName));
    }

    [Fact]
    public void ConfigurationKeys_SetTheSameOptions_AsTheTestHarnessesUseThem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenant"] = "acme",
            ["TfyK8sSecretsPath"] = "/mnt/creds",
            ["ApiEnabled"] = "true",
            ["ApiPort"] = "0",
            ["TenantAdmins"] = "team:platform",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSecretGroupOperator(configuration).BuildServiceProvider();

        Assert.Equal("acme", provider.GetRequiredService<IOptions<TenancyOptions>>().Value.Tenant);
        Assert.Equal(["team:platform"], provider.GetRequiredService<IOptions<TenancyOptions>>().Value.TenantAdmins);
        Assert.Equal("/mnt/creds", provider.GetRequiredService<IOptions<K8sSecretResolverOptions>>().Value.MountPath);
        Assert.Equal((true, 0), (provider.GetRequiredService<IOptions<Operator.RestApi.RestApiOptions>>().Value.Enabled, provider.GetRequiredService<IOptions<Operator.RestApi.RestApiOptions>>().Value.Port));
    }

    [Fact]
    public void WithoutFlags_EveryOptionHasTheDefaultHelpShows()
    {
        Assert.Equal(TimeSpan.FromHours(1), Options<SyncOptions>().DefaultSyncInterval);
        Assert.Equal("1h", OperatorFlags.SyncInterval.DefaultText);
        var election = Options<OperatorRuntimeOptions>().LeaderElection;
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (election.LeaseDuration, election.RenewDeadline, election.RetryPeriod));
        Assert.Equal(("15s", "10s", "2s"), (OperatorFlags.LeaseDuration.DefaultText, OperatorFlags.LeaseRenewDeadline.DefaultText, OperatorFlags.LeaseRetryPeriod.DefaultText));
    }

    [Fact]
    public void LeaseFlags_SetTheLeaderElectionTimings()
    {
        var election = Options<OperatorRuntimeOptions>("--lease-duration=2s", "--lease-renew-deadline=1500ms", "--lease-retry-period=0.25s").LeaderElection;

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(250)), (election.LeaseDuration, election.RenewDeadline, election.RetryPeriod));
    }

    [Fact]
    public void WatchNamespaces_SetTheNamespacesEveryNamespacedInformerWatches()
    {
        Assert.Equal(["team-a", "team-b"], Options<OperatorRuntimeOptions>("--watch-namespaces=team-a,team-b").WatchNamespaces);
        Assert.Empty(Options<OperatorRuntimeOptions>().WatchNamespaces);
    }

    [Fact]
    public void RestApiNamespaceOutsideTheWatchedNamespaces_FailsTheStart_NamingBothFlags()
    {
        using var provider = Provider("--tenant=acme", "--api-enabled", "--api-namespace=apps", "--watch-namespaces=team-a");

        // Both options classes the rule spans refuse to start, so the host's validator aggregates them.
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("--api-namespace=apps and --watch-namespaces=team-a: the REST API's namespace must be one of the watched namespaces", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--watch-namespaces=team-a,Team_B", "--watch-namespaces: invalid value 'team-a,Team_B'")]
    [InlineData("--lease-duration=soon", "--lease-duration: invalid value 'soon': expected a duration")]
    [InlineData("--sync-interval=one hour", "--sync-interval: invalid value 'one hour': expected a duration from 1s to 8784h")]
    [InlineData("--log-format=xml", "--log-format: invalid value 'xml': expected one of json, text")]
    [InlineData("--metrics-port=0", "--metrics-port: invalid value '0': expected an integer from 1 to 65535")]
    [InlineData("--metrics-port=8081", "--health-port=8081 (the default) and --metrics-port=8081: each listener needs its own port")]
    public void BadFlag_FailsTheStart_NamingTheFlag(string flag, string expected)
    {
        using var provider = Provider("--tenant=acme", flag);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
