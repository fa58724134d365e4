using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Operator.Hosting;
using Operator.Runtime;

namespace Operator.Tests.Install;

/// <summary>The flags the chart and config/manager pass, bound the way the operator binds them.</summary>
public sealed class OperatorFlagsTests
{
    private static OperatorOptions Bind(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(CommandLine.Normalize(args)).Build();
        using var provider = new ServiceCollection().AddLogging().AddSecretGroupOperator(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OperatorOptions>>().Value;
    }

    [Fact]
    public void ChartFlags_Bind()
    {
        var options = Bind("--tenant=acme", "--namespace=secretgroup-system", "--leader-elect=true", "--log-format=json", "--sync-interval=30m",
            "--workers=8", "--health-port=8081", "--metrics-port=9090", "--webhook-enabled=true", "--api-enabled=false");

        Assert.Equal(("acme", "secretgroup-system", true, "json"), (options.Tenant, options.Namespace, options.LeaderElect, options.LogFormat));
        Assert.Equal(TimeSpan.FromMinutes(30), options.DefaultSyncInterval);
        Assert.Equal((8, 8081, 9090), (options.Workers, options.HealthPort, options.MetricsPort));
    }

    [Fact]
    public void WithoutSyncInterval_TheDefaultIsOneHour() => Assert.Equal(TimeSpan.FromHours(1), Bind("--tenant=acme").DefaultSyncInterval);

    [Fact]
    public void LeaseFlags_SetTheLeaderElectionTimings()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(CommandLine.Normalize(["--tenant=acme", "--lease-duration=2s", "--lease-renew-deadline=1500ms", "--lease-retry-period=0.25s"]))
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddSecretGroupOperator(configuration).BuildServiceProvider();

        var election = provider.GetRequiredService<IOptions<OperatorRuntimeOptions>>().Value.LeaderElection;

        Assert.Equal(
            (TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(250)),
            (election.LeaseDuration, election.RenewDeadline, election.RetryPeriod));
    }

    [Fact]
    public void WithoutLeaseFlags_TheTimingsAreTheKubernetesDefaults()
    {
        var options = Bind("--tenant=acme");

        Assert.Equal(("15s", "10s", "2s"), (options.LeaseDuration, options.LeaseRenewDeadline, options.LeaseRetryPeriod));
    }

    [Theory]
    [InlineData("--lease-duration=soon", "LeaseDuration: expected a duration")]
    [InlineData("--sync-interval=one hour", "SyncInterval: expected a duration")]
    [InlineData("--log-format=xml", "LogFormat")]
    [InlineData("--metrics-port=0", "MetricsPort")]
    public void BadFlag_IsRefused_NamingIt(string flag, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("--tenant=acme", flag));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
