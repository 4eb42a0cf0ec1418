from viewflow.workflow.models import Process

from decisions import selectors


class DecisionProcess(Process):
    """Workflow state of one decision; the domain record is ``process.decision``, found by the
    process number the decision recorded when it was proposed."""

    class Meta:
        proxy = True

    @property
    def decision(self):
        """Read afresh each time: the proposal's services create it after the process."""
        return selectors.decision_by_process(self.pk)


def decision_of_task(task):
    """The decision a flow task belongs to."""
    return task.process.coerced.decision
