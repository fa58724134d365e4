using Microsoft.Extensions.Options;

namespace Operator.Runtime;

internal sealed class OperatorRuntimeOptionsValidator : IValidateOptions<OperatorRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorRuntimeOptions options)
    {
        var election = options.LeaderElection;
        if (!election.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(election.LeaseName) || string.IsNullOrWhiteSpace(election.LeaseNamespace))
        {
            failures.Add("LeaderElection.LeaseName and LeaseNamespace are required.");
        }

        if (string.IsNullOrWhiteSpace(election.Identity))
        {
            failures.Add("LeaderElection.Identity is required.");
        }

        if (election.RetryPeriod <= TimeSpan.Zero)
        {
            failures.Add("LeaderElection.RetryPeriod must be positive.");
        }

        // The same rules as client-go: renew well before the lease runs out, retry several times per deadline.
        if (election.LeaseDuration <= election.RenewDeadline)
        {
            failures.Add("LeaderElection.LeaseDuration must be greater than RenewDeadline.");
        }

        if (election.RenewDeadline <= election.RetryPeriod * 1.2)
        {
            failures.Add("LeaderElection.RenewDeadline must be greater than 1.2 × RetryPeriod.");
        }

        if (election.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add("LeaderElection.LeaseDuration must be at least one second (the Lease stores whole seconds).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
