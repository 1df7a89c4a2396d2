;;; test-harness.el --- Shared by the headless Emacs tests (test-*.el)  -*- lexical-binding: t; -*-

;; Paths, the timeout, checks, waiting, the fake endpoint, Eglot, and the end of
;; a run.  Each test loads it from its own folder, defines `facet-test-run', and
;; ends with `facet-test-main'.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defconst facet-test-dir
  (file-name-directory (or load-file-name buffer-file-name)))
(defconst facet-test-repo
  (expand-file-name "../../../" facet-test-dir))
(defconst facet-test-timeout
  (let ((env (getenv "FACET_TEST_TIMEOUT")))
    (if (and env (> (string-to-number env) 0)) (string-to-number env) 10)))

(defvar facet-test-tmp nil "The run's temp folder, removed at the end.")
(defvar facet-test-trace nil "The server's trace file, shown when a check fails.")

(defun facet-test-out (format-string &rest args)
  "Print a line on stdout."
  (princ (concat (apply #'format format-string args) "\n")))

(define-error 'facet-test-failure "Check failed")

(defun facet-test-fail (format-string &rest args)
  (signal 'facet-test-failure (list (apply #'format format-string args))))

(defmacro facet-test-check (condition format-string &rest args)
  `(unless ,condition (facet-test-fail ,format-string ,@args)))

(defun facet-test-wait (predicate what &optional seconds)
  "Process events until PREDICATE returns non-nil; fail after SECONDS (default the timeout)."
  (let ((deadline (+ (float-time) (or seconds facet-test-timeout)))
        result)
    (while (and (not (setq result (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.01))
    (or result (facet-test-fail "%s: nothing within %s s" what (or seconds facet-test-timeout)))))

(defvar facet-test-fake nil "The fake endpoint's process.")

(defun facet-test-start-fake ()
  "Start Tests/Support/fake-openai; return its port."
  (let ((script (expand-file-name "Tests/Support/fake-openai/fake_openai.py" facet-test-repo))
        (output ""))
    (facet-test-check (file-readable-p script) "missing %s" script)
    (facet-test-check (executable-find "python3") "python3 is not installed")
    (setq facet-test-fake
          (make-process :name "fake-openai" :connection-type 'pipe :noquery t
                        :command (list "python3" script "--port" "0" "--exit-on-stdin-eof")
                        :filter (lambda (_process text) (setq output (concat output text)))))
    (facet-test-wait (lambda () (string-match "^PORT \\([0-9]+\\)" output)) "fake_openai.py printing its PORT")
    (string-to-number (match-string 1 output))))

(defun facet-test-text (buffer)
  (with-current-buffer buffer (buffer-substring-no-properties (point-min) (point-max))))

(defun facet-test-stop-fake ()
  (when (process-live-p facet-test-fake)
    (process-send-eof facet-test-fake)
    (delete-process facet-test-fake)))

(defun facet-test-load-facet ()
  "Load Eglot and editors/emacs/facet.el, set to run FACET_BIN with the run's own
trace file, preview cache and index (never the user's)."
  (let ((bin (or (getenv "FACET_BIN") "")))
    (when (string-empty-p bin)
      (setq bin (expand-file-name ".build/debug/facet" facet-test-repo)))
    (facet-test-check (file-executable-p bin) "FACET_BIN is not an executable file: %s" bin)
    (unless (require 'eglot nil t)
      (require 'package)
      (package-initialize)
      (facet-test-check (require 'eglot nil t) "eglot is not installed"))
    (facet-test-out "emacs %s, facet at %s" emacs-version bin)
    (add-to-list 'load-path (expand-file-name "editors/emacs" facet-test-repo))
    (require 'facet)
    (setq facet-executable bin
          facet-server-arguments (list "lsp" "--trace-file" facet-test-trace
                                       "--preview-cache" (expand-file-name "previews.sqlite" facet-test-tmp)
                                       "--index" (expand-file-name "index.sqlite" facet-test-tmp)))))

(defun facet-test-visit (file)
  "Visit FILE with Eglot managing it; return its buffer."
  (let ((source (find-file file)))
    (facet-test-check (eq major-mode 'facet-mode) "%s: major mode is %s" (file-name-nondirectory file) major-mode)
    (apply #'eglot (eglot--guess-contact))
    (facet-test-wait (lambda () (and (eglot-current-server) (bound-and-true-p eglot--managed-mode)))
                     (format "Eglot managing %s" (file-name-nondirectory file)))
    (facet-test-out "ok  eglot manages %s" (file-name-nondirectory file))
    source))

(defun facet-test-shutdown (server)
  "Shut Eglot's SERVER down the way the protocol says, and wait for it to exit."
  (let ((process (jsonrpc--process server)))
    (setf (eglot--shutdown-requested server) t)
    (jsonrpc-request server :shutdown nil :timeout facet-test-timeout)
    (jsonrpc-notify server :exit nil)
    (facet-test-wait (lambda () (not (process-live-p process))) "the server exiting after shutdown and exit")))

(defun facet-test-print-trace ()
  (when (and facet-test-trace (file-readable-p facet-test-trace))
    (facet-test-out "--- last lines of the server trace (%s):" facet-test-trace)
    (with-temp-buffer
      (insert-file-contents facet-test-trace)
      (dolist (line (last (split-string (buffer-string) "\n") 12))
        (facet-test-out "    %s" (truncate-string-to-width line 300))))))

(defun facet-test-main (name prefix &optional cleanup)
  "Run `facet-test-run' in a new temp folder named after PREFIX; print PASS or FAIL under NAME.
Then call CLEANUP (if any), close file buffers, remove the folder and exit:
0 when every check passed, else 1 (with the end of the server's trace)."
  (let ((status 0))
    (setq facet-test-tmp (file-name-as-directory (make-temp-file prefix t))
          facet-test-trace (expand-file-name "facet-trace.log" facet-test-tmp))
    (condition-case err
        (progn
          (facet-test-run)
          (facet-test-out "PASS %s: all checks passed" name))
      (facet-test-failure
       (facet-test-out "FAIL %s: %s" name (cadr err))
       (facet-test-print-trace)
       (setq status 1))
      (error
       (facet-test-out "FAIL %s: unexpected error: %S" name err)
       (facet-test-print-trace)
       (setq status 1)))
    (when cleanup (funcall cleanup))
    (dolist (b (buffer-list))
      (when (buffer-file-name b)
        (with-current-buffer b (set-buffer-modified-p nil))
        (kill-buffer b)))
    (ignore-errors (delete-directory facet-test-tmp t))
    (kill-emacs status)))

(provide 'test-harness)

;;; test-harness.el ends here
