namespace AutoEncoders.Tests.Serving;

/// <summary>The serving tests share one trained model and server (<see cref="ServingFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ServingTestGroup : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
