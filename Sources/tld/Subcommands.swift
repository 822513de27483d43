import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [
    Readout.self, Intake.self, Review.self, Overdue.self, Demo.self, GlowCommand.self, TypeTest.self, Devices.self, Udev.self,
    Key.self,
    CustomerCommand.self, WearerCommand.self, EnrolmentCommand.self, Unenrol.self, CardsCommand.self, Import.self,
    DispatchCommand.self, PricesCommand.self, ChargesCommand.self, InspectCommand.self, AnnealCommand.self, ZeroCommand.self,
    Evaluate.self, Release.self, Levels.self, Results.self, ScenarioFromReturns.self,
    CurvesCommand.self,
    BackupCommand.self, RestoreCommand.self, VerifyCommand.self,
    CasesCommand.self, NotificationsCommand.self,
    CasesCommand.self, NotificationsCommand.self, AnnualCommand.self,
    History.self, Assign.self, RegistryCommand.self,
    AccountCommand.self, Serve.self,
    CasesCommand.self, NotificationsCommand.self, AnnualCommand.self,
    History.self, Assign.self, RegistryCommand.self,
    History.self, Assign.self, RegistryCommand.self, RetentionCommand.self,
    DbCommand.self,
    CalibrationCommand.self,
]
