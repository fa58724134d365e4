using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class ConditionsTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, 500, TimeSpan.Zero));
    private readonly List<V1Condition> conditions = [];

    [Fact]
    public void NewCondition_IsAdded_WithTransitionTimeInWholeSeconds()
    {
        var changed = Conditions.Set(conditions, "Ready", "True", "Synced", "All keys synced", 3, time);

        Assert.True(changed);
        var ready = Assert.Single(conditions);
        Assert.Equal(("Ready", "True", "Synced", "All keys synced", 3L), (ready.Type, ready.Status, ready.Reason, ready.Message, ready.ObservedGeneration!.Value));
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), ready.LastTransitionTime);
    }

    [Fact]
    public void SameValues_ReportNoChange_AndKeepTheTransitionTime()
    {
        Conditions.Set(conditions, "Ready", "True", "Synced", "ok", 1, time);
        var first = conditions[0].LastTransitionTime;
        time.Advance(TimeSpan.FromMinutes(5));

        var changed = Conditions.Set(conditions, "Ready", "True", "Synced", "ok", 1, time);

        Assert.False(changed);
        Assert.Equal(first, conditions[0].LastTransitionTime);
    }

    [Fact]
    public void ReasonOrMessageChange_KeepsTheTransitionTime()
    {
        Conditions.Set(conditions, "Ready", "False", "StoreUnavailable", "SSM throttled", 1, time);
        var first = conditions[0].LastTransitionTime;
        time.Advance(TimeSpan.FromMinutes(5));

        var changed = Conditions.Set(conditions, "Ready", "False", "AccessDenied", "Role lacks ssm:GetParameters", 2, time);

        Assert.True(changed);
        Assert.Equal(first, conditions[0].LastTransitionTime);
        Assert.Equal(("AccessDenied", 2L), (conditions[0].Reason, conditions[0].ObservedGeneration!.Value));
    }

    [Fact]
    public void StatusChange_MovesTheTransitionTime()
    {
        Conditions.Set(conditions, "Ready", "False", "StoreUnavailable", "down", 1, time);
        time.Advance(TimeSpan.FromMinutes(5));

        Conditions.Set(conditions, "Ready", "True", "Synced", "ok", 1, time);

        Assert.Equal(new DateTime(2026, 3, 1, 12, 5, 0, DateTimeKind.Utc), conditions[0].LastTransitionTime);
        Assert.True(Conditions.IsTrue(conditions, "Ready"));
    }

    [Fact]
    public void ConditionsOfOtherTypes_AreLeftAlone()
    {
        Conditions.Set(conditions, "Ready", "True", "Synced", "ok", 1, time);
        Conditions.Set(conditions, "Degraded", "False", "AsExpected", "", 1, time);

        Assert.Equal(2, conditions.Count);
        Assert.Equal("False", Conditions.Find(conditions, "Degraded")?.Status);
        Assert.Null(Conditions.Find(conditions, "Missing"));
        Assert.False(Conditions.IsTrue(conditions, "Degraded"));
        Assert.False(Conditions.IsTrue(null, "Ready"));
    }
}
