namespace Operator.IntegrationTests.Chaos;

public sealed class ManagedSecretHistoryTests
{
    private static readonly Dictionary<string, string[]> Store = new(StringComparer.Ordinal) { ["A"] = ["a1"], ["B"] = ["b1", "b2"] };

    private static SecretVersion V(long rv, string? a, string? b, string type = "MODIFIED", string uid = "u1")
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (a is not null)
        {
            data["A"] = a;
        }

        if (b is not null)
        {
            data["B"] = b;
        }

        return new SecretVersion("s", uid, rv, type, data);
    }

    [Fact]
    public void AHistoryThatOnlyMovesForward_HasNoViolations()
    {
        Assert.Empty(ManagedSecretHistory.Violations("s", [V(1, "a1", "b1", "ADDED"), V(2, "a1", "b1"), V(3, "a1", "b2")], Store));
    }

    [Fact]
    public void EveryKindOfDamage_IsNamed()
    {
        SecretVersion[] versions =
        [
            V(1, "a1", "b1", "ADDED"),
            V(2, "a1", null),
            new SecretVersion("s", "u1", 3, "MODIFIED", null),
            V(4, "a1", ""),
            V(5, "a1", "b2"),
            V(6, "a1", "b1"),
            V(7, "a1", "b2", "DELETED"),
            V(8, "a1", "b2", "ADDED", uid: "u2"),
        ];

        var violations = ManagedSecretHistory.Violations("s", versions, Store).ToList();

        Assert.Equal(
            [
                "s@2: keys [A] instead of [A,B]",
                "s@3: empty",
                "s@4: B holds a value its store never had (empty)",
                "s@6: B went back to an older value",
                "s@7: deleted",
                "s@8: recreated",
            ],
            violations);
        Assert.Equal(["s: never seen"], ManagedSecretHistory.Violations("s", [], Store));
    }
}
