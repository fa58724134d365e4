using System.Text.RegularExpressions;
using CsCheck;
using Operator.Hosting;
using Operator.Hosting.Flags;

namespace Operator.Tests.Hosting;

public sealed class FlagParserTests
{
    private static FlagValues Parse(params string[] args) => FlagParser.Parse(args, new Dictionary<string, string>());

    private static string Problem(params string[] args) => Assert.Single(Parse(args).Problems).Message;

    [Fact]
    public void EqualsForm_SpaceForm_AndABareBoolean_AllSetTheirFlags()
    {
        var flags = Parse("--tenant", "acme", "--install-crds", "--workers=8", "--leader-elect=false");

        Assert.True(flags.IsValid);
        Assert.Equal(("acme", true, 8, false), (flags.Get(OperatorFlags.Tenant), flags.Get(OperatorFlags.InstallCrds), flags.Get(OperatorFlags.Workers), flags.Get(OperatorFlags.LeaderElect)));
        Assert.Equal(["--tenant=acme", "--workers=8", "--leader-elect=false", "--install-crds=true"], flags.Arguments);
    }

    [Fact]
    public void UnknownFlag_IsRefused_SuggestingTheFlagItResembles()
    {
        Assert.Equal("unknown flag '--tenat'; did you mean --tenant? (see --help)", Problem("--tenat=x"));
        Assert.Equal("unknown flag '--frobnicate' (see --help)", Problem("--frobnicate"));
        Assert.Equal("unknown flag '-tenant=x': flags start with two dashes, such as --tenant=my-tenant (see --help)", Problem("-tenant=x"));
    }

    [Fact]
    public void StrayWords_AndRepeatedFlags_AreRefused()
    {
        Assert.Equal("unexpected argument 'tenant': flags look like --tenant=my-tenant (see --help)", Problem("tenant"));
        Assert.Equal("unexpected argument 'false': write --leader-elect=false (see --help)", Problem("--leader-elect", "false"));
        Assert.Equal("--tenant is given twice; give it once", Problem("--tenant=a", "--tenant=b"));
        Assert.Equal("--tenant needs a value: a DNS label: lower-case letters, digits and '-', at most 63 characters", Problem("--tenant"));
    }

    [Theory]
    [InlineData("--sync-interval=0s", "--sync-interval: invalid value '0s': expected a duration from 1s to 8784h, such as 1h, 30m or 90s")]
    [InlineData("--workers=0", "--workers: invalid value '0': expected an integer from 1 to 64")]
    [InlineData("--tenant=My_Tenant", "--tenant: invalid value 'My_Tenant': expected a DNS label: lower-case letters, digits and '-', at most 63 characters")]
    [InlineData("--tenant-admins=user:a,alice", "--tenant-admins: invalid value 'user:a,alice': expected a comma-separated list of user:<name> or team:<name> subjects")]
    [InlineData("--webhook-enabled=yes", "--webhook-enabled: invalid value 'yes': expected true or false")]
    public void BadValue_IsOneLine_NamingTheFlagAndWhatIsAllowed(string arg, string expected) => Assert.Equal(expected, Problem(arg));

    [Fact]
    public void EnvironmentVariable_SetsAFlag_TheCommandLineWins_AndABadOneIsNamed()
    {
        var env = new Dictionary<string, string> { ["SECRETGROUP_TENANT"] = "from-env", ["SECRETGROUP_WORKERS"] = "9" };

        var flags = FlagParser.Parse(["--workers=2"], env);

        Assert.Equal(("from-env", 2), (flags.Get(OperatorFlags.Tenant), flags.Get(OperatorFlags.Workers)));
        var bad = FlagParser.Parse([], new Dictionary<string, string> { ["SECRETGROUP_SYNC_INTERVAL"] = "forever" });
        Assert.StartsWith("SECRETGROUP_SYNC_INTERVAL: invalid value 'forever': expected a duration", Assert.Single(bad.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenersOnOnePort_AndLeaseTimingsThatCannotWork_AreRefused()
    {
        Assert.Equal("--health-port=9000 and --metrics-port=9000: each listener needs its own port", Problem("--health-port=9000", "--metrics-port=9000"));
        Assert.Equal("--metrics-port=9443 and --webhook-port=9443 (the default): each listener needs its own port", Problem("--webhook-enabled", "--metrics-port=9443"));
        Assert.True(Parse("--metrics-port=9443").IsValid, "a disabled webhook's port clashes with nothing");
        Assert.Equal("--lease-duration=10s and --lease-renew-deadline=10s (the default): the lease duration must be longer than the renew deadline", Problem("--lease-duration=10s"));
        Assert.True(Parse("--leader-elect=false", "--lease-duration=10s").IsValid);
    }

    [Fact]
    public void UserInputInMessages_IsBoundedAndEscaped()
    {
        var message = Problem("--tenant=" + new string('x', 5000) + "\u001b[31m");

        Assert.True(message.Length < 300, message);
        Assert.DoesNotContain('\u001b', message);
    }

    [Fact]
    public void Help_ListsEveryFlag_UnderItsGroup_WithDefaultAndEnvironmentVariable()
    {
        var help = HelpText.Render();

        foreach (var flag in OperatorFlags.All)
        {
            var at = help.IndexOf("  " + flag.Switch, StringComparison.Ordinal);
            Assert.True(at > 0, $"{flag.Switch} is not in --help");
            var header = help.IndexOf("\n" + flag.Group.Title + ": ", StringComparison.Ordinal);
            var next = help.IndexOf("\n\n", header + 1, StringComparison.Ordinal);
            Assert.True(header > 0 && at > header && (next < 0 || at < next), $"{flag.Switch} is not under {flag.Group.Title}");
            var details = string.Join('\n', help[at..].Split('\n').Take(3));
            Assert.Contains($"Default: {flag.DefaultText}. Env: {flag.EnvironmentVariable}", details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IntegerRangePattern_MatchesExactlyTheNumbersInRange() =>
        Gen.Select(Gen.Long[0, 100_000], Gen.Long[0, 100_000]).Sample((a, b) =>
        {
            var (low, high) = (Math.Min(a, b), Math.Max(a, b));
            var regex = new Regex($"^({IntegerRange.Pattern(low, high)})$");
            return Enumerable.Range(0, 200).Select(i => (low - 100) + i).Concat([high - 1, high, high + 1, low * 10, high * 10]).Where(n => n >= 0)
                .All(n => regex.IsMatch(n.ToString(System.Globalization.CultureInfo.InvariantCulture)) == (n >= low && n <= high));
        }, iter: 300);
}
