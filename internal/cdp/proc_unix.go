//go:build unix

package cdp

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the browser in a process group of its own, so
// Close can end its renderer and zygote children together with it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup kills the browser's whole process group.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	// ESRCH (already gone) is the only likely error and means done.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
